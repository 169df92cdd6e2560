package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/pipeline"
)

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("publish", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	sf.registerKafka(fs, "finx")
	lf.register(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx publish [flags] PATH...")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, -2); err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	kcfg, stop, _, err := connectKafka(ctx, &sf, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	blobs, err := sf.openBlobs()
	if err != nil {
		return err
	}
	st := stages{groupPrefix: sf.groupPrefix}
	defer st.Close()
	tr := newTracker()
	walked, err := publish(ctx, kcfg, blobs, fs.Args(), tr, logger, &st)
	published, _, _, _ := tr.counts()
	fmt.Fprintf(stdout, "%d published to %s, %d unreadable and dead-lettered, %d skipped\n",
		published-len(walked.Unreadable), sf.brokers, len(walked.Unreadable), len(walked.Skipped))
	for _, s := range walked.Skipped {
		fmt.Fprintf(stdout, "  skipped %s: %s\n", printable(s.Path), s.Reason)
	}
	return err
}

// workerFlags are the flags of the long-lived stage workers.
type workerFlags struct {
	metricsAddr string
}

// register adds the flags; defaultAddr differs per worker so that an
// extract and a load worker can run on one host with their defaults.
func (w *workerFlags) register(fs *flag.FlagSet, defaultAddr string) {
	fs.StringVar(&w.metricsAddr, "metrics-addr", envOr("FINX_METRICS_ADDR", defaultAddr), "listen address of /metrics and /healthz; empty disables them (env FINX_METRICS_ADDR)")
}

// serveMetrics serves /metrics and /healthz until ctx ends.
func serveMetrics(ctx context.Context, addr string, reg *prometheus.Registry, healthy func() error) (func(), error) {
	_, stop, err := listenMetrics(ctx, addr, reg, healthy)
	return stop, err
}

// listenMetrics is serveMetrics that also returns the address it listens
// on, which differs from addr when addr's port is 0. The address is nil
// when addr is empty.
func listenMetrics(ctx context.Context, addr string, reg *prometheus.Registry, healthy func() error) (net.Addr, func(), error) {
	if addr == "" {
		return nil, func() {}, nil
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := healthy(); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics listener: %w (set another address with --metrics-addr or FINX_METRICS_ADDR, or an empty one to disable it)", err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return ln.Addr(), func() {
		shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(shutdownCtx)
	}, nil
}

func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// logStopped logs a worker's end: at info after a clean drain, at error
// when a stage failed.
func logStopped(logger *slog.Logger, stage string, err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		logger.Error("stage stopped", "stage", stage, "err", err)
		return
	}
	logger.Info("stage stopped", "stage", stage)
}

// startMetrics registers the stage and Kafka collectors on reg and serves
// them on addr, logging the address at info level. The returned function
// stops the server and closes the Kafka lag queries' connections.
func startMetrics(ctx context.Context, addr string, reg *prometheus.Registry, logger *slog.Logger) (*pipeline.Metrics, *kafka.Metrics, func(), error) {
	m, err := pipeline.NewMetrics(reg)
	if err != nil {
		return nil, nil, nil, err
	}
	km, err := kafka.NewMetrics(reg)
	if err != nil {
		return nil, nil, nil, err
	}
	km.SetLogger(logger)
	listening, stop, err := listenMetrics(ctx, addr, reg, func() error { return nil })
	if err != nil {
		return nil, nil, nil, err
	}
	if listening != nil {
		logger.Info("metrics server started", "addr", listening.String())
	}
	return m, km, func() { stop(); km.Close() }, nil
}

func runExtract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	var wf workerFlags
	sf.registerKafka(fs, "finx")
	lf.register(fs)
	wf.register(fs, "127.0.0.1:9464")
	workers := fs.Int("workers", 0, "documents extracted at once; 0 means one per CPU")
	provider := registerProviderFlags(fs)
	historyDir := fs.String("history", os.Getenv("FINX_HISTORY_DIR"), historyUsage+"; empty turns change tracking off (env FINX_HISTORY_DIR)")
	if err := parseFlagsArgs(fs, args, 0); err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	hist, err := openHistory(*historyDir)
	if err != nil {
		return err
	}
	reg := newRegistry()
	provider.registerer = reg
	extract, prov, err := newExtractor(*provider, logger, hist)
	if err != nil {
		return err
	}
	kcfg, stop, _, err := connectKafka(ctx, &sf, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	blobs, err := sf.openBlobs()
	if err != nil {
		return err
	}
	m, km, stopMetrics, err := startMetrics(ctx, wf.metricsAddr, reg, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	st := stages{groupPrefix: sf.groupPrefix, metrics: km}
	defer st.Close()
	stage := st.extract(kcfg, blobs, extract, *workers, logger, m)
	logger.Info("extract stage started", "brokers", sf.brokers)
	err = stage.Run(ctx)
	if line := usageLine(prov); line != "" {
		logger.Info("provider usage", "usage", line)
	}
	logStopped(logger, "extract", err)
	return err
}

func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	var wf workerFlags
	sf.registerKafka(fs, "finx")
	sf.registerSink(fs)
	lf.register(fs)
	wf.register(fs, "127.0.0.1:9465")
	batchRows := fs.Int("batch-rows", 0, "most results written to the sink in one batch; 0 means 500")
	batchInterval := fs.Duration("batch-interval", 0, "longest a result waits for its batch to fill, such as 500ms; 0 means 1s")
	if err := parseFlagsArgs(fs, args, 0); err != nil {
		return err
	}
	if *batchRows < 0 || *batchInterval < 0 {
		return fmt.Errorf("invalid --batch-rows %d or --batch-interval %v: want 0 or more", *batchRows, *batchInterval)
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	kcfg, stop, _, err := connectKafka(ctx, &sf, logger, false)
	if err != nil {
		return err
	}
	defer stop()
	reg := newRegistry()
	sk, where, err := sf.openSink(ctx, logger, reg, false)
	if err != nil {
		return err
	}
	defer sk.Close()
	m, km, stopMetrics, err := startMetrics(ctx, wf.metricsAddr, reg, logger)
	if err != nil {
		return err
	}
	defer stopMetrics()
	st := stages{groupPrefix: sf.groupPrefix, metrics: km}
	defer st.Close()
	blobs, err := sf.openBlobs()
	if err != nil {
		return err
	}
	load := st.load(kcfg, sk, logger, m, nil)
	load.Blobs = blobs
	load.Batch = pipeline.BatchConfig{Rows: *batchRows, Interval: *batchInterval}
	rec := st.deadLetters(kcfg, sk, logger, nil)
	logger.Info("load stage started", "brokers", sf.brokers, "sink", where)

	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, r := range []interface{ Run(context.Context) error }{load, rec} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if errs[i] = r.Run(runCtx); errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	err = errors.Join(errs...)
	logStopped(logger, "load", err)
	return err
}

// parseMaxBytes is the largest file finx parse reads, the file source's
// default limit.
const parseMaxBytes = 256 << 20

// readRegularFile reads a regular file of at most limit bytes. A FIFO or a
// device would block or never end, so anything else is refused: checked
// before the open, which blocks on a FIFO, and again on the open file.
func readRegularFile(path string, limit int64) ([]byte, error) {
	if info, err := os.Stat(path); err != nil {
		return nil, err
	} else if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, info.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, info.Mode().Type())
	}
	if info.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, larger than the %d-byte limit", path, info.Size(), limit)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than the %d-byte limit", path, limit)
	}
	return data, nil
}

func runParse(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("parse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the whole parsed document (text, pages, sections, tables, inline XBRL facts, source segments, warnings) as JSON")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx parse [--json] FILE")
		fmt.Fprintln(stderr, "Prints the parsed text, with a form feed between PDF pages. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args, 1); err != nil {
		return err
	}
	path := fs.Arg(0)
	content, err := readRegularFile(path, parseMaxBytes)
	if err != nil {
		return err
	}
	f := describe(path, content)
	doc, err := parseDocument(ctx, f, content)
	if err != nil {
		return err
	}
	doc.Sections = findSections(doc)
	doc.Warnings = append(doc.Warnings, sections.Check(doc, doc.Sections)...)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(doc)
	}
	_, err = io.WriteString(stdout, doc.Text)
	if err == nil && !strings.HasSuffix(doc.Text, "\n") {
		_, err = io.WriteString(stdout, "\n")
	}
	return err
}
