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
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/clickhouse"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/internal/review"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

// Consumer group ids of the stages are the --group-prefix (default "finx")
// followed by these suffixes. A new group starts at the earliest offset, so
// a fresh cluster processes everything already published.
const (
	groupExtract     = "-extract"
	groupLoad        = "-load"
	groupDeadLetters = "-dead-letters"
)

var (
	_ pipeline.Consumer = (*kafkago.Reader)(nil)
	_ pipeline.Producer = (*kafkago.Writer)(nil)
	_ pipeline.Sink     = (*clickhouse.Sink)(nil)
	_ pipeline.Sink     = (*clickhouse.FileSink)(nil)
)

// serviceFlags are the addresses shared by the commands that talk to Kafka,
// ClickHouse and the blob store.
type serviceFlags struct {
	brokers     string
	clickhouse  string
	chDatabase  string
	chUser      string
	chPassword  string
	out         string
	blobDir     string
	groupPrefix string
	topicPrefix string
}

// registerKafka adds the Kafka and blob store flags. groupPrefix is the
// default of --group-prefix. It differs between the demo and the workers, so
// the two never share a consumer group.
func (s *serviceFlags) registerKafka(fs *flag.FlagSet, groupPrefix string) {
	fs.StringVar(&s.brokers, "brokers", os.Getenv("FINX_KAFKA_BROKERS"), "Kafka bootstrap brokers, comma-separated host:port (env FINX_KAFKA_BROKERS)")
	fs.StringVar(&s.groupPrefix, "group-prefix", envOr("FINX_GROUP_PREFIX", groupPrefix), "prefix of the stages' consumer group ids (env FINX_GROUP_PREFIX)")
	fs.StringVar(&s.topicPrefix, "topic-prefix", os.Getenv("FINX_TOPIC_PREFIX"), "prefix of every topic name, so that several pipelines can share one cluster: with \"t1.\" the stages use t1.filings.raw and so on (env FINX_TOPIC_PREFIX)")
	fs.StringVar(&s.blobDir, "blob-dir", envOr("FINX_BLOB_DIR", filepath.Join("finx-out", "blobs")), "folder of the blob store for documents and results over the inline limit; every process of a pipeline needs the same folder (env FINX_BLOB_DIR)")
}

// openBlobs opens the blob store at --blob-dir, made absolute so that logs
// and errors show where documents are stored, whatever the working folder.
func (s *serviceFlags) openBlobs() (*blob.Store, error) {
	abs, err := filepath.Abs(s.blobDir)
	if err != nil {
		return nil, fmt.Errorf("invalid --blob-dir %q: %w", s.blobDir, err)
	}
	s.blobDir = abs
	return blob.New(abs)
}

func (s *serviceFlags) registerSink(fs *flag.FlagSet) {
	fs.StringVar(&s.clickhouse, "clickhouse", os.Getenv("FINX_CLICKHOUSE_ADDR"), "ClickHouse native address host:port; empty writes JSONEachRow files to --out (env FINX_CLICKHOUSE_ADDR)")
	fs.StringVar(&s.chDatabase, "clickhouse-database", envOr("FINX_CLICKHOUSE_DATABASE", "finx"), "ClickHouse database, created if missing (env FINX_CLICKHOUSE_DATABASE)")
	fs.StringVar(&s.chUser, "clickhouse-user", envOr("FINX_CLICKHOUSE_USER", "default"), "ClickHouse user (env FINX_CLICKHOUSE_USER)")
	s.chPassword = os.Getenv("FINX_CLICKHOUSE_PASSWORD")
	fs.StringVar(&s.out, "out", envOr("FINX_OUT", "finx-out"), "folder for JSONEachRow files when no ClickHouse address is set (env FINX_OUT)")
}

func (s *serviceFlags) kafkaConfig(logger *slog.Logger) kafka.Config {
	return kafka.Config{Brokers: splitList(s.brokers), TopicPrefix: s.topicPrefix, Logger: logger}
}

// errNoBrokers is returned when a command needs Kafka and neither --brokers
// nor FINX_KAFKA_BROKERS names a broker.
var errNoBrokers = errors.New("no Kafka brokers: set --brokers or FINX_KAFKA_BROKERS")

// registerKafkaClient adds --brokers and --topic-prefix, the flags of the
// commands that read or publish on the pipeline's topics without running a
// stage.
func (s *serviceFlags) registerKafkaClient(fs *flag.FlagSet) {
	fs.StringVar(&s.brokers, "brokers", os.Getenv("FINX_KAFKA_BROKERS"), "Kafka bootstrap brokers, comma-separated host:port (env FINX_KAFKA_BROKERS)")
	fs.StringVar(&s.topicPrefix, "topic-prefix", os.Getenv("FINX_TOPIC_PREFIX"), "prefix of the topic names (env FINX_TOPIC_PREFIX)")
}

// kafkaClientConfig returns the validated Kafka config of --brokers and
// --topic-prefix, or errNoBrokers. Unlike connectKafka it starts no embedded
// broker and creates no topics.
func (s *serviceFlags) kafkaClientConfig(logger *slog.Logger) (kafka.Config, error) {
	if s.brokers == "" {
		return kafka.Config{}, errNoBrokers
	}
	cfg := s.kafkaConfig(logger).WithDefaults()
	if err := cfg.Validate(); err != nil {
		return kafka.Config{}, err
	}
	return cfg, nil
}

// requireSubcommand checks that args start with the subcommand sub. When
// they do not, it prints usage and summary, one line each, to stderr and
// returns exitError with status 0 for -h or --help and 2 otherwise.
func requireSubcommand(args []string, sub string, stderr io.Writer, usage, summary string) error {
	if len(args) > 0 && args[0] == sub {
		return nil
	}
	fmt.Fprintln(stderr, usage)
	fmt.Fprintln(stderr, summary)
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		return exitError{0}
	}
	return exitError{2}
}

// sink is the load stage's destination, ClickHouse or files, with Close.
type sink interface {
	pipeline.Sink
	Close() error
}

// openSink opens ClickHouse when an address is set, else the file sink.
// reg receives the ClickHouse sink's metrics; nil registers none. With
// fresh set, the file sink first removes the table files of an earlier run,
// because it appends and the demo's output should hold one run only. Review
// decisions are kept: they are people's work, not the run's output.
func (s *serviceFlags) openSink(ctx context.Context, logger *slog.Logger, reg prometheus.Registerer, fresh bool) (sink, string, error) {
	if s.clickhouse != "" {
		ch, err := clickhouse.Open(ctx, clickhouse.Config{
			Addr:       s.clickhouse,
			Database:   s.chDatabase,
			Username:   s.chUser,
			Password:   s.chPassword,
			Registerer: reg,
		}, logger)
		if err != nil {
			return nil, "", err
		}
		store, err := review.OpenCHStore(ctx, clickhouse.Config{
			Addr:     s.clickhouse,
			Database: s.chDatabase,
			Username: s.chUser,
			Password: s.chPassword,
		}, logger)
		if err != nil {
			ch.Close()
			return nil, "", err
		}
		rs := &reviewedSink{sink: closeBoth{ch, store}, decisions: store.Decisions, logger: logger}
		return rs, "ClickHouse " + s.clickhouse + " database " + s.chDatabase, nil
	}
	if fresh {
		for _, t := range clickhouse.Tables() {
			if t.Name == clickhouse.TableReviewDecisions {
				continue
			}
			path := filepath.Join(s.out, t.Name+".json")
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, "", fmt.Errorf("remove the earlier run's %s: %w", path, err)
			}
		}
	}
	database := s.chDatabase
	if database == "" {
		database = clickhouse.DefaultDatabase
	}
	fsink, err := clickhouse.NewFileSinkDatabase(s.out, database)
	if err != nil {
		return nil, "", err
	}
	store, err := review.NewFileStore(s.out, logger)
	if err != nil {
		fsink.Close()
		return nil, "", err
	}
	rs := &reviewedSink{sink: closeBoth{fsink, store}, decisions: store.Decisions, logger: logger}
	return rs, "JSONEachRow files in " + s.out, nil
}

// closeBoth is a sink whose Close also closes the review store it reads
// decisions from.
type closeBoth struct {
	sink
	store interface{ Close() error }
}

func (c closeBoth) Close() error {
	return errors.Join(c.sink.Close(), c.store.Close())
}

// stages holds the Kafka clients of the running stages, for Close.
type stages struct {
	// groupPrefix starts each consumer group id.
	groupPrefix string
	mu          sync.Mutex
	closers     []io.Closer
	// metrics, when set, watches every reader and writer.
	metrics *kafka.Metrics
}

func (s *stages) reader(cfg kafka.Config, group, topic string) *kafkago.Reader {
	r := kafka.NewReader(cfg, group, topic)
	if s.metrics != nil {
		s.metrics.WatchReader(r)
	}
	s.add(r)
	return r
}

func (s *stages) writer(cfg kafka.Config, topic string) *kafkago.Writer {
	w := kafka.NewWriter(cfg, topic)
	if s.metrics != nil {
		s.metrics.WatchWriter(w)
	}
	s.add(w)
	return w
}

func (s *stages) add(c io.Closer) {
	s.mu.Lock()
	s.closers = append(s.closers, c)
	s.mu.Unlock()
}

// Close closes every reader and writer, readers first so that no fetch is
// in flight when the writers flush.
func (s *stages) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		if err := s.closers[i].Close(); err != nil {
			errs = append(errs, err)
		}
	}
	s.closers = nil
	return errors.Join(errs...)
}

func (s *stages) extract(cfg kafka.Config, blobs *blob.Store, extract pipeline.Extractor, workers int, logger *slog.Logger, m *pipeline.Metrics) *pipeline.ExtractStage {
	results := s.writer(cfg, kafka.TopicExtracted)
	flags := s.writer(cfg, kafka.TopicRiskFlags)
	dlq := s.writer(cfg, kafka.TopicDLQ)
	reader := s.reader(cfg, s.groupPrefix+groupExtract, kafka.TopicRaw)
	stage := &pipeline.ExtractStage{
		Consumer:    reader,
		Results:     results,
		Flags:       flags,
		DeadLetters: dlq,
		Decode: func(ctx context.Context, msg kafkago.Message) (schemas.Filing, []byte, error) {
			return kafka.DecodeFiling(ctx, msg, blobs)
		},
		Extract: extract,
		Workers: workers,
		Logger:  logger,
		Metrics: m,
		// Results over the filings' inline limit go to the same blob store.
		ResultInlineLimit: cfg.InlineLimit,
	}
	if blobs != nil {
		stage.Blobs = blobs
	}
	return stage
}

func (s *stages) load(cfg kafka.Config, sk pipeline.Sink, logger *slog.Logger, m *pipeline.Metrics, onLoaded func([]*schemas.Result)) *pipeline.LoadStage {
	dlq := s.writer(cfg, kafka.TopicDLQ)
	reader := s.reader(cfg, s.groupPrefix+groupLoad, kafka.TopicExtracted)
	return &pipeline.LoadStage{
		Consumer:    reader,
		Sink:        sk,
		DeadLetters: dlq,
		Logger:      logger,
		Metrics:     m,
		OnLoaded:    onLoaded,
	}
}

func (s *stages) deadLetters(cfg kafka.Config, sk pipeline.Sink, logger *slog.Logger, onRecorded func([]schemas.DeadLetter)) *pipeline.DeadLetterRecorder {
	reader := s.reader(cfg, s.groupPrefix+groupDeadLetters, kafka.TopicDLQ)
	return &pipeline.DeadLetterRecorder{
		Consumer:   reader,
		Sink:       sk,
		Logger:     logger,
		OnRecorded: onRecorded,
	}
}

// connectKafka starts the embedded broker when no brokers are named, and
// creates the topics. The returned stop function closes the embedded broker.
func connectKafka(ctx context.Context, sf *serviceFlags, logger *slog.Logger, allowEmbedded bool) (kafka.Config, func(), string, error) {
	stop := func() {}
	where := "Kafka " + sf.brokers
	if sf.brokers == "" {
		if !allowEmbedded {
			return kafka.Config{}, stop, "", errNoBrokers
		}
		emb, err := kafka.StartEmbedded(ctx, logger)
		if err != nil {
			return kafka.Config{}, stop, "", err
		}
		sf.brokers = strings.Join(emb.Addrs(), ",")
		stop = emb.Close
		where = "embedded Kafka-protocol broker " + sf.brokers
	}
	cfg := sf.kafkaConfig(logger).WithDefaults()
	if err := cfg.Validate(); err != nil {
		stop()
		return kafka.Config{}, func() {}, "", err
	}
	if err := kafka.EnsureTopics(ctx, cfg, kafka.Topics()...); err != nil {
		stop()
		return kafka.Config{}, func() {}, "", fmt.Errorf("create topics on %s: %w", sf.brokers, err)
	}
	return cfg, stop, where, nil
}
