package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/schemas"
)

// Headers that finx dlq replay sets on each message it publishes. The
// pipeline copies a failed message's headers into its dead letter, so a
// letter of a replayed message carries them too.
const (
	// headerReplayedFrom is the dead letter's position,
	// "topic/partition@offset".
	headerReplayedFrom = "finx-replayed-from"
	// headerReplayOrigin is the position of the message that failed, as
	// the dead letter names it. Later runs read it back from the target
	// topics, so that one failure is replayed once across runs.
	headerReplayOrigin = "finx-replay-origin"
)

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
	// force replays letters whose original an earlier run replayed.
	force bool
	// includeReplayed replays letters of messages that a replay published.
	includeReplayed bool
	out             io.Writer
	logger          *slog.Logger
	// writers by target topic name without the prefix, opened on first use.
	writers map[string]*kafkago.Writer
	// seen holds the original positions already replayed in this run, so
	// that a message that failed several times is published once, even
	// with force.
	seen map[string]bool
	// history by target topic name without the prefix, read on first use.
	history map[string]*replayHistory
	counts  replayCounts
}

// replayHistory is the set of earlier replays found in the headers of one
// target topic. Every map is keyed by "topic/partition@offset".
type replayHistory struct {
	// origins are the failed messages that a run replayed.
	origins map[string]bool
	// letters are the dead letters that a run replayed. Replays that
	// predate headerReplayOrigin are found only through this set.
	letters map[string]bool
	// copies are the positions of the replayed messages themselves.
	copies map[string]bool
}

func runDLQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if err := requireSubcommand(args, "replay", stderr, "usage: finx dlq replay [flags]",
		"Publishes the messages of dead letters again. Run finx dlq replay -h for the flags."); err != nil {
		return err
	}
	fs := flag.NewFlagSet("dlq replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf serviceFlags
	var lf logFlags
	sf.registerKafkaClient(fs)
	lf.register(fs)
	reasons := fs.String("reason", "", "replay only dead letters with these reasons, comma-separated (such as extract_timeout,sink_write_failed); empty replays every reason")
	doc := fs.String("doc", "", "replay only the dead letters of this document id, or of the ids that start with it")
	stage := fs.String("stage", "", "replay only dead letters of this stage: extract or load")
	dryRun := fs.Bool("dry-run", false, "print what would be replayed and publish nothing")
	force := fs.Bool("force", false, "replay dead letters whose message an earlier run already replayed; without it each failed message is replayed once")
	includeReplayed := fs.Bool("include-replayed", false, "also replay dead letters of messages that a replay published; without it a document that keeps failing is not replayed again")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: finx dlq replay [flags]")
		fmt.Fprintln(stderr, "Reads every dead letter on filings.dlq and publishes the message that failed again:")
		fmt.Fprintln(stderr, "extract-stage failures to filings.raw, load-stage failures to filings.extracted.")
		fmt.Fprintln(stderr, "Dead letters stay on filings.dlq. A message is replayed once: letters of messages")
		fmt.Fprintln(stderr, "replayed before, by this or an earlier run, and letters of replayed messages are skipped")
		fmt.Fprintln(stderr, "unless --force or --include-replayed is given. Flags:")
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
	cfg, err := sf.kafkaClientConfig(logger)
	if err != nil {
		return err
	}

	rp := &replayer{
		cfg: cfg, dryRun: *dryRun, force: *force, includeReplayed: *includeReplayed,
		out: stdout, logger: logger,
		writers: map[string]*kafkago.Writer{}, seen: map[string]bool{}, history: map[string]*replayHistory{},
	}
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
		fmt.Fprintf(rp.out, "skip %s: not a dead letter: %s\n", at, printable(err.Error()))
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
		fmt.Fprintf(rp.out, "skip %s: %s-stage dead letter of %s has no message to replay; publish the file again\n", at, printable(dl.Stage), printable(dl.SourcePath))
		return nil
	}
	origin := fmt.Sprintf("%s/%d@%d", dl.Topic, dl.Partition, dl.Offset)
	// A letter may name any topic, and replay reads from the topic it
	// names. Only the stage's own input topic under this prefix is read, so
	// that a letter cannot copy messages of another topic or prefix.
	if want := rp.cfg.Topic(target); dl.Topic != want {
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: %s-stage dead letter names topic %s, not the stage's input topic %s\n", at, dl.Stage, printable(dl.Topic), want)
		return nil
	}
	if rp.seen[origin] {
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: %s was already replayed in this run\n", at, origin)
		return nil
	}
	if skip, err := rp.replayedBefore(ctx, msg, dl, target, at, origin); err != nil || skip {
		return err
	}

	out, method, err := rp.original(ctx, msg, dl)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rp.counts.failed++
		fmt.Fprintf(rp.out, "fail %s: %s %s (%s): %s\n", at, dl.Stage, printable(shortID(dl.DocID)), printable(dl.Reason), printable(err.Error()))
		return nil
	}
	out.Headers = withoutHeader(withoutHeader(out.Headers, headerReplayedFrom), headerReplayOrigin)
	out.Headers = append(out.Headers,
		kafkago.Header{Key: headerReplayedFrom, Value: []byte(at)},
		kafkago.Header{Key: headerReplayOrigin, Value: []byte(origin)})
	rp.seen[origin] = true

	line := fmt.Sprintf("%s %s %s (%s) from %s %s to %s", dl.Stage, printable(shortID(dl.DocID)), printable(dl.SourcePath), printable(dl.Reason), origin, method, rp.cfg.Topic(target))
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

// replayedBefore counts and prints a letter that must not be replayed
// again: one whose failed message a replay published, unless
// includeReplayed is set, and one whose failed message an earlier run
// replayed, unless force is set. The error is a failed read of the target
// topic. It stops the run, because without the history a replayed message
// cannot be recognised.
func (rp *replayer) replayedBefore(ctx context.Context, dlqMsg kafkago.Message, dl schemas.DeadLetter, target, at, origin string) (bool, error) {
	h, err := rp.historyOf(ctx, target)
	if err != nil {
		return false, err
	}
	fromReplay := headerValue(dlqMsg.Headers, headerReplayedFrom) != nil || h.copies[origin]
	if fromReplay && !rp.includeReplayed {
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: %s %s failed again after a replay, at %s; pass --include-replayed to replay it again\n", at, dl.Stage, printable(shortID(dl.DocID)), origin)
		return true, nil
	}
	if (h.origins[origin] || h.letters[at]) && !rp.force {
		rp.counts.skipped++
		fmt.Fprintf(rp.out, "skip %s: %s was replayed by an earlier run; pass --force to replay it again\n", at, origin)
		return true, nil
	}
	return false, nil
}

// historyOf reads the replay headers of every message on the target topic
// once per run. A topic that does not exist yet has no history.
// NOTE: this reads each message of the topic in full, content included,
// because Kafka cannot return the headers alone. On a large filings.raw
// this is the slowest step of a replay.
func (rp *replayer) historyOf(ctx context.Context, target string) (*replayHistory, error) {
	if h, ok := rp.history[target]; ok {
		return h, nil
	}
	h := &replayHistory{origins: map[string]bool{}, letters: map[string]bool{}, copies: map[string]bool{}}
	err := kafka.Scan(ctx, rp.cfg, target, func(m kafkago.Message) error {
		from := headerValue(m.Headers, headerReplayedFrom)
		if from == nil {
			return nil
		}
		h.letters[string(from)] = true
		h.copies[fmt.Sprintf("%s/%d@%d", m.Topic, m.Partition, m.Offset)] = true
		if origin := headerValue(m.Headers, headerReplayOrigin); origin != nil {
			h.origins[string(origin)] = true
		}
		return nil
	})
	if err != nil && !errors.Is(err, kafkago.UnknownTopicOrPartition) {
		return nil, fmt.Errorf("read earlier replays from %s: %w", rp.cfg.Topic(target), err)
	}
	rp.history[target] = h
	return h, nil
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
	if envelope == nil {
		return kafkago.Message{}, "", fmt.Errorf("%w, and the dead letter carries no envelope to rebuild it from", err)
	}
	if verr := checkEnvelope(envelope, dl.DocID, dlqMsg.Key); verr != nil {
		return kafkago.Message{}, "", fmt.Errorf("%w, and the envelope that the dead letter carries is invalid: %w", err, verr)
	}
	rebuilt := kafkago.Message{Key: dlqMsg.Key, Headers: []kafkago.Header{{Key: kafka.HeaderFiling, Value: envelope}}}
	return rebuilt, "(rebuilt from the envelope, content in the blob store)", nil
}

// checkEnvelope validates an envelope before replay rebuilds a message from
// it. The envelope must match the filing schema and name the dead letter's
// document as DocID and key. Its content must be in the blob store under
// "sha256:<DocID>", the reference that kafka.EncodeFiling sets.
func checkEnvelope(envelope []byte, docID string, key []byte) error {
	if err := schemas.ValidateJSON(schemas.SchemaFiling, envelope); err != nil {
		return err
	}
	var f schemas.Filing
	dec := json.NewDecoder(bytes.NewReader(envelope))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	switch {
	case f.DocID != docID || string(key) != docID:
		return fmt.Errorf("doc_id %s and key %.64q differ from the dead letter's doc_id %.64q", f.DocID, key, docID)
	case f.BlobRef == "":
		return errors.New("no blob_ref, so the content was inline and is gone with the message")
	case f.BlobRef != "sha256:"+f.DocID:
		return fmt.Errorf("blob_ref %.80q, want sha256:%s", f.BlobRef, f.DocID)
	}
	return nil
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
