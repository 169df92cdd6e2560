package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/schemas"
)

// headerReplayedFrom marks a message that finx dlq replay published again:
// the dead letter's position, "topic/partition@offset".
const headerReplayedFrom = "finx-replayed-from"

// replayFilter selects the dead letters to replay.
type replayFilter struct {
	reasons map[string]bool
	// doc is a document id or a prefix of one.
	doc   string
	stage string
}

func (f replayFilter) match(dl schemas.DeadLetter) bool {
	if len(f.reasons) > 0 && !f.reasons[dl.Reason] {
		return false
	}
	if f.stage != "" && dl.Stage != f.stage {
		return false
	}
	return f.doc == "" || strings.HasPrefix(dl.DocID, f.doc)
}

// replayCounts is the outcome of one finx dlq replay.
type replayCounts struct {
	replayed, skipped, failed int
}

// replayer re-publishes the original messages of dead letters.
type replayer struct {
	cfg    kafka.Config
	dryRun bool
	out    io.Writer
	logger *slog.Logger
	// writers by target topic name without the prefix, opened on first use.
	writers map[string]*kafkago.Writer
	// seen holds the original positions already replayed in this run, so
	// that a message that failed several times is published once.
	seen   map[string]bool
	counts replayCounts
}

func runDLQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "replay" {
		fmt.Fprintln(stderr, "usage: finx dlq replay [flags]")
		fmt.Fprintln(stderr, "Publishes the messages of dead letters again. Run finx dlq replay -h for the flags.")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return exitError{0}
		}
		return exitError{2}
	}
	fs := flag.NewFlagSet("dlq replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	fs.StringVar(&sf.brokers, "brokers", os.Getenv("FINX_KAFKA_BROKERS"), "Kafka bootstrap brokers, comma-separated host:port (env FINX_KAFKA_BROKERS)")
	fs.StringVar(&sf.topicPrefix, "topic-prefix", os.Getenv("FINX_TOPIC_PREFIX"), "prefix of the topic names (env FINX_TOPIC_PREFIX)")
	lf.register(fs)
	reasons := fs.String("reason", "", "replay only dead letters with these reasons, comma-separated (such as extract_timeout,sink_write_failed); empty replays every reason")
	doc := fs.String("doc", "", "replay only the dead letters of this document id, or of the ids that start with it")
	stage := fs.String("stage", "", "replay only dead letters of this stage: extract or load")
	dryRun := fs.Bool("dry-run", false, "print what would be replayed and publish nothing")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx dlq replay [flags]")
		fmt.Fprintln(stderr, "Reads every dead letter on filings.dlq and publishes the message that failed again:")
		fmt.Fprintln(stderr, "extract-stage failures to filings.raw, load-stage failures to filings.extracted.")
		fmt.Fprintln(stderr, "Dead letters stay on filings.dlq. Flags:")
		fs.PrintDefaults()
	}
	if err := parseFlagsArgs(fs, args[1:], 0); err != nil {
		return err
	}
	logger, err := lf.logger(stderr)
	if err != nil {
		return err
	}
	filter := replayFilter{doc: strings.ToLower(strings.TrimSpace(*doc)), stage: *stage}
	switch *stage {
	case "", schemas.StageExtract, schemas.StageLoad:
	default:
		return fmt.Errorf("invalid --stage %q: want extract or load", *stage)
	}
	for _, r := range splitList(*reasons) {
		if filter.reasons == nil {
			filter.reasons = map[string]bool{}
		}
		filter.reasons[r] = true
	}
	if sf.brokers == "" {
		return errors.New("no Kafka brokers: set --brokers or FINX_KAFKA_BROKERS")
	}
	cfg := sf.kafkaConfig(logger).WithDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}

	rp := &replayer{cfg: cfg, dryRun: *dryRun, out: stdout, logger: logger, writers: map[string]*kafkago.Writer{}, seen: map[string]bool{}}
	defer rp.close()
	err = kafka.Scan(ctx, cfg, kafka.TopicDLQ, func(msg kafkago.Message) error {
		return rp.replay(ctx, msg, filter)
	})
	verb := "replayed"
	if *dryRun {
		verb = "to replay"
	}
	fmt.Fprintf(stdout, "%d %s, %d skipped, %d failed\n", rp.counts.replayed, verb, rp.counts.skipped, rp.counts.failed)
	if err != nil {
		return err
	}
	if rp.counts.failed > 0 {
		return exitError{1}
	}
	return nil
}

func (rp *replayer) close() {
	for _, w := range rp.writers {
		if err := w.Close(); err != nil {
			rp.logger.Warn("close writer", "topic", w.Topic, "err", err)
		}
	}
}

// replay handles one filings.dlq message. It returns an error only when
// the replay must stop; a dead letter that cannot be replayed is counted
// and printed.
func (rp *replayer) replay(ctx context.Context, msg kafkago.Message, filter replayFilter) error {
	at := fmt.Sprintf("%s/%d@%d", msg.Topic, msg.Partition, msg.Offset)
	var dl schemas.DeadLetter
	err := schemas.ValidateJSON(schemas.SchemaDeadLetter, msg.Value)
	if err == nil {
		err = json.Unmarshal(msg.Value, &dl)
	}
	if err != nil {
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: not a dead letter: %v\n", at, err)
		return nil
	}
	if !filter.match(dl) {
		return nil
	}
	var target string
	switch dl.Stage {
	case schemas.StageExtract:
		target = kafka.TopicRaw
	case schemas.StageLoad:
		target = kafka.TopicExtracted
	default:
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: %s-stage dead letter of %s has no message to replay; publish the file again\n", at, dl.Stage, printable(dl.SourcePath))
		return nil
	}
	origin := fmt.Sprintf("%s/%d@%d", dl.Topic, dl.Partition, dl.Offset)
	if rp.seen[origin] {
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: %s was already replayed in this run\n", at, origin)
		return nil
	}

	out, method, err := rp.original(ctx, msg, dl)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rp.counts.failed++
		fmt.Fprintf(rp.out, "fail %s: %s %s (%s): %v\n", at, dl.Stage, shortID(dl.DocID), dl.Reason, err)
		return nil
	}
	out.Headers = append(withoutHeader(out.Headers, headerReplayedFrom),
		kafkago.Header{Key: headerReplayedFrom, Value: []byte(at)})
	rp.seen[origin] = true

	line := fmt.Sprintf("%s %s %s (%s) from %s %s to %s", dl.Stage, shortID(dl.DocID), printable(dl.SourcePath), dl.Reason, origin, method, rp.cfg.Topic(target))
	if rp.dryRun {
		rp.counts.replayed++
		fmt.Fprintln(rp.out, "would replay", line)
		return nil
	}
	w, ok := rp.writers[target]
	if !ok {
		w = kafka.NewWriter(rp.cfg, target)
		rp.writers[target] = w
	}
	if err := w.WriteMessages(ctx, out); err != nil {
		// A produce error is not skipped: the replays printed so far are
		// stored, and the run stops so that the operator sees the cause.
		return fmt.Errorf("replay %s to %s: %w", at, rp.cfg.Topic(target), err)
	}
	rp.counts.replayed++
	fmt.Fprintln(rp.out, "replayed", line)
	return nil
}

// original returns the message that failed, read back at the dead letter's
// position. When that position is no longer stored and the filing's content
// is in the blob store, it rebuilds the message from the envelope header
// that the dead letter carries. The second value names the method.
func (rp *replayer) original(ctx context.Context, dlqMsg kafkago.Message, dl schemas.DeadLetter) (kafkago.Message, string, error) {
	orig, err := kafka.FetchAt(ctx, rp.cfg, dl.Topic, dl.Partition, dl.Offset)
	if err == nil {
		if !equalKey(orig.Key, dlqMsg.Key) {
			return kafkago.Message{}, "", fmt.Errorf("key mismatch: %s/%d@%d has key %.16q, the dead letter has key %.16q", dl.Topic, dl.Partition, dl.Offset, orig.Key, dlqMsg.Key)
		}
		return kafkago.Message{Key: orig.Key, Value: orig.Value, Headers: orig.Headers}, "(read back)", nil
	}
	if !errors.Is(err, kafka.ErrOffsetNotFound) || dl.Stage != schemas.StageExtract {
		return kafkago.Message{}, "", err
	}
	envelope := headerValue(dlqMsg.Headers, kafka.HeaderFiling)
	var f schemas.Filing
	if envelope == nil || json.Unmarshal(envelope, &f) != nil || f.BlobRef == "" {
		return kafkago.Message{}, "", fmt.Errorf("%w, and the dead letter carries no envelope with a blob reference to rebuild it from", err)
	}
	rebuilt := kafkago.Message{Key: dlqMsg.Key, Headers: []kafkago.Header{{Key: kafka.HeaderFiling, Value: envelope}}}
	return rebuilt, "(rebuilt from the envelope, content in the blob store)", nil
}

func equalKey(a, b []byte) bool { return string(a) == string(b) }

func headerValue(headers []kafkago.Header, key string) []byte {
	for _, h := range headers {
		if h.Key == key {
			return h.Value
		}
	}
	return nil
}

// withoutHeader returns headers without the entries named key.
func withoutHeader(headers []kafkago.Header, key string) []kafkago.Header {
	out := make([]kafkago.Header, 0, len(headers))
	for _, h := range headers {
		if h.Key == key {
			continue
		}
		out = append(out, h)
	}
	return out
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	if id == "" {
		return "unknown"
	}
	return id
}
