package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"
	"golang.org/x/term"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/connectors/edgar"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/pipeline"
)

var (
	_ edgar.Sink  = (*kafkaFilingSink)(nil)
	_ edgar.Sink  = edgar.DirSink{}
	_ edgar.State = (*edgar.FileState)(nil)
	_ edgar.State = (*clickhouse.CrawlState)(nil)
)

// crawlFlags are the flags of finx crawl.
type crawlFlags struct {
	tickers, ciks, forms string
	since, until, daily  string
	follow               bool
	pollInterval         time.Duration
	urls                 string
	out, stateDir        string
	userAgent            string
	rate                 float64
	allowHosts           string
	metricsAddr          string
	retries              int
	throttleBackoff      time.Duration
	wwwBaseURL, dataURL  string
	sf                   serviceFlags
	lf                   logFlags
	brokersSet           bool
	stateSet             bool
	clickhouseSet        bool
}

func (c *crawlFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.tickers, "tickers", "", "comma-separated tickers to crawl, resolved through EDGAR's company_tickers.json")
	fs.StringVar(&c.ciks, "ciks", "", "comma-separated CIKs to crawl; with --daily or --follow, limits them to these companies")
	fs.StringVar(&c.forms, "forms", "10-K,10-Q,8-K", "comma-separated form types; an 8-K is taken only when it reports Item 2.02 (results of operations)")
	fs.StringVar(&c.since, "since", "", "earliest filing date, YYYY-MM-DD; default one year before today")
	fs.StringVar(&c.until, "until", "", "latest filing date, YYYY-MM-DD; default no limit")
	fs.StringVar(&c.daily, "daily", "", "crawl the filings of EDGAR's daily form index of this date, YYYY-MM-DD")
	fs.BoolVar(&c.follow, "follow", false, "poll EDGAR's latest-filings feed and fetch new filings until interrupted")
	fs.DurationVar(&c.pollInterval, "poll-interval", time.Minute, "time between polls of the latest-filings feed with --follow")
	fs.StringVar(&c.urls, "urls", "", "fetch the document URLs listed in this file, one per line, instead of crawling")
	fs.StringVar(&c.out, "out", "", "write each document and its .meta.json sidecar under this folder (for finx demo DIR)")
	fs.StringVar(&c.stateDir, "state", "", "folder of the crawl state file (finished documents and filings); default OUT/.edgar-state with --out, else the ClickHouse table with --clickhouse, else the user cache folder")
	fs.StringVar(&c.userAgent, "user-agent", os.Getenv(edgar.EnvUserAgent), "User-Agent sent to SEC: your name or company and a contact email, such as \"Example Corp admin@example.com\" (env "+edgar.EnvUserAgent+")")
	fs.Float64Var(&c.rate, "rate", edgar.DefaultRate, "maximum requests per second to EDGAR, at most 10 (SEC's fair-access limit)")
	fs.StringVar(&c.allowHosts, "allow-host", "", "comma-separated extra hosts (host or host:port) that --urls may fetch from; EDGAR's hosts are always allowed")
	fs.IntVar(&c.retries, "retries", edgar.DefaultRetries, "retries of a request after a server error or a broken connection")
	fs.DurationVar(&c.throttleBackoff, "throttle-backoff", edgar.DefaultThrottleBackoff, "pause of every request after EDGAR throttles one (HTTP 403, 429 or its rate-limit notice)")
	fs.StringVar(&c.metricsAddr, "metrics-addr", envOr("FINX_METRICS_ADDR", "127.0.0.1:9466"), "listen address of /metrics and /healthz with --follow; empty disables them (env FINX_METRICS_ADDR)")
	fs.StringVar(&c.wwwBaseURL, "www-url", envOr(edgar.EnvWWWBaseURL, edgar.DefaultWWWBaseURL), "root of EDGAR's www host (env "+edgar.EnvWWWBaseURL+")")
	fs.StringVar(&c.dataURL, "data-url", envOr(edgar.EnvDataURL, edgar.DefaultDataBaseURL), "root of EDGAR's data host (env "+edgar.EnvDataURL+")")
	c.sf.registerKafka(fs, "finx")
	// The sink flags of the other commands, without --out, which names
	// the documents' folder here.
	fs.StringVar(&c.sf.clickhouse, "clickhouse", os.Getenv("FINX_CLICKHOUSE_ADDR"), "ClickHouse native address host:port that keeps the crawl state in table "+clickhouse.TableCrawlState+" instead of a file; the environment variable applies only to crawls to --brokers, because an --out crawl keeps its state with its folder (env FINX_CLICKHOUSE_ADDR)")
	fs.StringVar(&c.sf.chDatabase, "clickhouse-database", envOr("FINX_CLICKHOUSE_DATABASE", "finx"), "ClickHouse database of the crawl state, created if missing (env FINX_CLICKHOUSE_DATABASE)")
	fs.StringVar(&c.sf.chUser, "clickhouse-user", envOr("FINX_CLICKHOUSE_USER", "default"), "ClickHouse user (env FINX_CLICKHOUSE_USER)")
	c.sf.chPassword = os.Getenv("FINX_CLICKHOUSE_PASSWORD")
	c.lf.register(fs)
}

func runCrawl(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("crawl", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf crawlFlags
	cf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx crawl (--tickers T,... | --ciks C,... | --daily DATE | --follow | --urls FILE) (--out DIR | --brokers HOST:PORT) --user-agent \"Name email\" [flags]")
		fmt.Fprintln(stderr, "Fetches 10-K and 10-Q documents and 8-K earnings releases from SEC EDGAR, at most --rate requests per second. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, 0); err != nil {
		return err
	}
	fs.Visit(func(f *flag.Flag) {
		cf.brokersSet = cf.brokersSet || f.Name == "brokers"
		cf.stateSet = cf.stateSet || f.Name == "state"
		cf.clickhouseSet = cf.clickhouseSet || f.Name == "clickhouse"
	})
	if err := cf.check(); err != nil {
		fmt.Fprintln(stderr, "finx crawl:", err)
		fs.Usage()
		return exitError{2}
	}
	logger, err := cf.lf.logger(stderr)
	if err != nil {
		return err
	}
	query, err := cf.query()
	if err != nil {
		fmt.Fprintln(stderr, "finx crawl:", err)
		return exitError{2}
	}

	sink, where, closeSink, err := cf.openSink(ctx, logger)
	if err != nil {
		return err
	}
	defer closeSink()
	state, stateWhere, err := cf.openState(ctx, logger)
	if err != nil {
		return err
	}
	defer state.Close()

	var reg *prometheus.Registry
	if cf.follow {
		reg = newRegistry()
	}
	crawler, err := edgar.New(edgar.Config{
		UserAgent:       cf.userAgent,
		WWWBaseURL:      cf.wwwBaseURL,
		DataBaseURL:     cf.dataURL,
		Rate:            cf.rate,
		AllowedHosts:    splitList(cf.allowHosts),
		Retries:         retriesConfig(cf.retries),
		ThrottleBackoff: cf.throttleBackoff,
		Logger:          logger,
		Registerer:      registererOrNil(reg),
	}, sink, state)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "finx crawl: documents to %s; state in %s\n", where, stateWhere)

	var stopProgress chan struct{}
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		stopProgress = make(chan struct{})
		go crawlProgress(stderr, crawler, stopProgress)
	}
	crawlErr := cf.crawl(ctx, crawler, query, reg)
	if stopProgress != nil {
		close(stopProgress)
	}
	return crawlSummary(stdout, stderr, crawler, crawlErr)
}

// check rejects flag combinations that name no source, two sources, or no
// destination, and invalid --user-agent, --rate, --allow-host and base URL
// values.
func (c *crawlFlags) check() error {
	sources := 0
	for _, set := range []bool{c.tickers != "" || c.ciks != "", c.daily != "", c.follow, c.urls != ""} {
		if set {
			sources++
		}
	}
	filtering := (c.daily != "" || c.follow) && (c.tickers != "" || c.ciks != "")
	switch {
	case sources == 0:
		return errors.New("nothing to crawl: pass --tickers, --ciks, --daily DATE, --follow or --urls FILE")
	case sources > 2 || (sources == 2 && !filtering):
		return errors.New("pass one of --tickers/--ciks, --daily, --follow and --urls; --tickers and --ciks may only narrow --daily or --follow")
	case c.out == "" && c.sf.brokers == "":
		return errors.New("no destination: pass --out DIR to write documents with .meta.json sidecars (then run finx demo DIR), or --brokers HOST:PORT (or FINX_KAFKA_BROKERS) to publish them to " + kafka.TopicRaw)
	case c.out != "" && c.brokersSet && c.sf.brokers != "":
		return errors.New("pass --out or --brokers, not both")
	case c.stateSet && c.clickhouseSet && c.sf.clickhouse != "":
		return errors.New("pass --state DIR for a state file or --clickhouse HOST:PORT for the crawl_state table, not both")
	}
	// Validate checks the User-Agent and --rate before any folder, state or
	// connection is opened.
	cfg := edgar.Config{UserAgent: c.userAgent, Rate: c.rate, WWWBaseURL: c.wwwBaseURL, DataBaseURL: c.dataURL, AllowedHosts: splitList(c.allowHosts)}
	return cfg.Validate()
}

// query builds the edgar.Query of the flags.
func (c *crawlFlags) query() (edgar.Query, error) {
	q := edgar.Query{Forms: splitList(c.forms)}
	if len(q.Forms) == 0 {
		return q, errors.New("invalid --forms: want form types such as 10-K,10-Q,8-K")
	}
	var err error
	switch {
	case c.since != "":
		if q.Since, err = time.Parse(time.DateOnly, c.since); err != nil {
			return q, fmt.Errorf("invalid --since %q: want YYYY-MM-DD", c.since)
		}
	case c.daily == "" && !c.follow:
		q.Since = time.Now().UTC().AddDate(-1, 0, 0)
	}
	if c.until != "" {
		if q.Until, err = time.Parse(time.DateOnly, c.until); err != nil {
			return q, fmt.Errorf("invalid --until %q: want YYYY-MM-DD", c.until)
		}
	}
	for _, s := range splitList(c.ciks) {
		cik, err := strconv.ParseInt(strings.TrimLeft(s, "0"), 10, 64)
		if err != nil || cik <= 0 {
			return q, fmt.Errorf("invalid CIK %q in --ciks: want digits such as 320193", s)
		}
		q.CIKs = append(q.CIKs, cik)
	}
	return q, nil
}

// crawl runs the source the flags name.
func (c *crawlFlags) crawl(ctx context.Context, crawler *edgar.Crawler, q edgar.Query, reg *prometheus.Registry) error {
	if (c.daily != "" || c.follow) && c.tickers != "" {
		companies, err := crawler.ResolveTickers(ctx, splitList(c.tickers))
		if err != nil {
			return err
		}
		for _, co := range companies {
			q.CIKs = append(q.CIKs, co.CIK)
		}
	}
	switch {
	case c.urls != "":
		f, err := os.Open(c.urls)
		if err != nil {
			return fmt.Errorf("crawl: %w", err)
		}
		urls, err := edgar.ReadURLList(f)
		f.Close()
		if err != nil {
			return err
		}
		return crawler.FetchURLs(ctx, urls)
	case c.daily != "":
		day, err := time.Parse(time.DateOnly, c.daily)
		if err != nil {
			return fmt.Errorf("invalid --daily %q: want YYYY-MM-DD", c.daily)
		}
		return crawler.CrawlDaily(ctx, day, q)
	case c.follow:
		stop, err := serveMetrics(ctx, c.metricsAddr, reg, crawler.Healthy)
		if err != nil {
			return err
		}
		defer stop()
		return crawler.Follow(ctx, q, c.pollInterval)
	}
	ciks := q.CIKs
	q.CIKs = nil
	if c.tickers != "" {
		companies, err := crawler.ResolveTickers(ctx, splitList(c.tickers))
		if err != nil {
			return err
		}
		for _, co := range companies {
			ciks = append(ciks, co.CIK)
		}
	}
	return crawler.CrawlCompanies(ctx, ciks, q)
}

// openSink opens the directory sink of --out, or a Kafka writer to
// filings.raw with the blob store for documents over the inline limit.
func (c *crawlFlags) openSink(ctx context.Context, logger *slog.Logger) (edgar.Sink, string, func(), error) {
	if c.out != "" {
		if err := os.MkdirAll(c.out, 0o755); err != nil {
			return nil, "", nil, fmt.Errorf("crawl: create --out folder: %w", err)
		}
		return edgar.DirSink{Dir: c.out}, c.out, func() {}, nil
	}
	kcfg, stop, _, err := connectKafka(ctx, &c.sf, logger, false)
	if err != nil {
		return nil, "", nil, err
	}
	blobs, err := c.sf.openBlobs()
	if err != nil {
		stop()
		return nil, "", nil, err
	}
	w := kafka.NewWriter(kcfg, kafka.TopicRaw)
	closeAll := func() {
		if err := w.Close(); err != nil {
			logger.Error("close Kafka writer", "err", err)
		}
		stop()
	}
	sink := &kafkaFilingSink{writer: w, inlineLimit: kcfg.InlineLimit, blobs: blobs, logger: logger}
	return sink, "Kafka " + c.sf.brokers + " topic " + kcfg.Topic(kafka.TopicRaw), closeAll, nil
}

// crawlState is an edgar.State that holds a file or a connection.
type crawlState interface {
	edgar.State
	Close() error
}

// openState opens the crawl state and returns where it is kept. It is the
// crawl_state table when --clickhouse is set, by the flag or for a crawl
// to Kafka by FINX_CLICKHOUSE_ADDR, and no --state is given. Otherwise it
// is the FileState in --state, by default OUT/.edgar-state (a hidden
// folder, which finx demo does not walk) or the user cache folder.
func (c *crawlFlags) openState(ctx context.Context, logger *slog.Logger) (crawlState, string, error) {
	useClickHouse := c.sf.clickhouse != "" && !c.stateSet && (c.clickhouseSet || c.out == "")
	if useClickHouse {
		st, err := clickhouse.OpenCrawlState(ctx, clickhouse.Config{
			Addr:     c.sf.clickhouse,
			Database: c.sf.chDatabase,
			Username: c.sf.chUser,
			Password: c.sf.chPassword,
		}, logger)
		if err != nil {
			return nil, "", fmt.Errorf("crawl: open the crawl state in ClickHouse: %w", err)
		}
		return st, "ClickHouse " + c.sf.clickhouse + " table " + c.sf.chDatabase + "." + clickhouse.TableCrawlState, nil
	}

	dir := c.stateDir
	if dir == "" && c.out != "" {
		dir = filepath.Join(c.out, ".edgar-state")
	}
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, "", fmt.Errorf("crawl: no user cache folder for the state (%w): pass --state DIR", err)
		}
		dir = filepath.Join(cache, "finx", "edgar")
	}
	st, err := edgar.OpenFileState(dir)
	if err != nil {
		return nil, "", err
	}
	return st, dir, nil
}

// kafkaFilingSink publishes documents to filings.raw, each acknowledged by
// the brokers before Put returns, so the crawl state never records a
// document that Kafka did not accept.
type kafkaFilingSink struct {
	writer      *kafkago.Writer
	inlineLimit int
	blobs       *blob.Store
	logger      *slog.Logger
	backoff     pipeline.Backoff
}

func (s *kafkaFilingSink) Put(ctx context.Context, doc edgar.Document) error {
	msg, err := kafka.EncodeFiling(ctx, doc.Filing, doc.Content, s.inlineLimit, s.blobs)
	if err != nil {
		return fmt.Errorf("publish %s: %w", doc.Filing.SourcePath, err)
	}
	err = s.backoff.Do(ctx, s.logger, "produce filing", func(ctx context.Context) error {
		return s.writer.WriteMessages(ctx, msg)
	})
	if err != nil {
		return fmt.Errorf("publish %s: %w", doc.Filing.SourcePath, err)
	}
	return nil
}

// retriesConfig maps the --retries flag, where 0 means none, to
// Config.Retries, where 0 means the default.
func retriesConfig(n int) int {
	if n <= 0 {
		return -1
	}
	return n
}

// registererOrNil keeps a nil *prometheus.Registry from becoming a non-nil
// interface.
func registererOrNil(reg *prometheus.Registry) prometheus.Registerer {
	if reg == nil {
		return nil
	}
	return reg
}

// crawlProgress redraws one status line on a terminal until stop is
// closed.
func crawlProgress(w io.Writer, c *edgar.Crawler, stop <-chan struct{}) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	start := time.Now()
	for {
		st := c.Stats()
		fmt.Fprintf(w, "\r\033[Kfilings %d found (%d done earlier); documents %d fetched, %d skipped, %d failed %s",
			st.FilingsFound, st.FilingsSkipped, st.DocumentsFetched, st.DocumentsSkipped, st.Failed, time.Since(start).Round(time.Second))
		select {
		case <-stop:
			fmt.Fprint(w, "\r\033[K")
			return
		case <-tick.C:
		}
	}
}

// crawlSummary prints the counts and the failures. It returns err, the
// crawl's own error, when there is one, else exit status 1 when anything
// failed.
func crawlSummary(stdout, stderr io.Writer, c *edgar.Crawler, err error) error {
	st := c.Stats()
	fmt.Fprintf(stdout, "%d filings found (%d done in an earlier run), %d documents fetched, %d skipped as done, %d failed\n",
		st.FilingsFound, st.FilingsSkipped, st.DocumentsFetched, st.DocumentsSkipped, st.Failed)
	failures := c.Failures()
	if len(failures) > 0 {
		fmt.Fprintf(stderr, "finx crawl: %d failed; a later run with the same --state retries them:\n", len(failures))
		for _, f := range failures {
			fmt.Fprintf(stderr, "  %s: %v\n", f.URL, f.Err)
		}
	}
	switch {
	case err != nil && errors.Is(err, context.Canceled):
		return err
	case err != nil:
		return fmt.Errorf("crawl: %w", err)
	case len(failures) > 0:
		return exitError{1}
	}
	return nil
}
