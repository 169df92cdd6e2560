package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/connectors/kafkatest"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

func testContext(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// writeOne writes msg to topic and returns it with its partition and offset.
func writeOne(t *testing.T, cfg kafka.Config, topic string, msg kafkago.Message) kafkago.Message {
	t.Helper()
	w := kafka.NewWriter(cfg, topic)
	defer w.Close()
	if err := w.WriteMessages(testContext(t, 10*time.Second), msg); err != nil {
		t.Fatalf("write to %s: %v", topic, err)
	}
	var found kafkago.Message
	err := kafka.Scan(testContext(t, 10*time.Second), cfg, topic, func(m kafkago.Message) error {
		if bytes.Equal(m.Key, msg.Key) && bytes.Equal(m.Value, msg.Value) {
			found = m
		}
		return nil
	})
	if err != nil || found.Topic == "" {
		t.Fatalf("find the message written to %s: %v", topic, err)
	}
	return found
}

// deadLetterFor returns the filings.dlq message that the pipeline writes for
// a failure of msg: the dead letter as value, keyed and with headers as
// pipeline.sendDeadLetter sets them.
func deadLetterFor(t *testing.T, msg kafkago.Message, stage, reason string) kafkago.Message {
	t.Helper()
	dl := schemas.DeadLetter{
		SchemaVersion: schemas.SchemaVersion, DocID: string(msg.Key), SourcePath: "doc-" + reason,
		Stage: stage, Reason: reason, Error: "failed: " + reason,
		Topic: msg.Topic, Partition: msg.Partition, Offset: msg.Offset, Attempts: 1, FailedAt: time.Now().UTC(),
	}
	value, err := schemas.Marshal(schemas.SchemaDeadLetter, dl)
	if err != nil {
		t.Fatal(err)
	}
	headers := append([]kafkago.Header{
		{Key: pipeline.HeaderSchema, Value: []byte(schemas.SchemaDeadLetter)},
		{Key: pipeline.HeaderStage, Value: []byte(stage)},
	}, msg.Headers...)
	return kafkago.Message{Key: msg.Key, Value: value, Headers: headers}
}

func topicMessages(t *testing.T, cfg kafka.Config, topic string) []kafkago.Message {
	t.Helper()
	var out []kafkago.Message
	if err := kafka.Scan(testContext(t, 10*time.Second), cfg, topic, func(m kafkago.Message) error {
		out = append(out, m)
		return nil
	}); err != nil {
		t.Fatalf("scan %s: %v", topic, err)
	}
	return out
}

func runReplay(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(testContext(t, 30*time.Second), append([]string{"dlq", "replay"}, args...), &stdout, &stderr)
	if stderr.Len() > 0 {
		t.Logf("stderr: %s", stderr.String())
	}
	return stdout.String(), err
}

func TestDLQReplay(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	brokers := strings.Join(cfg.Brokers, ",")
	ctx := testContext(t, 30*time.Second)
	blobs := kafkatest.NewBlobs()

	// An inline filing, a filing whose content is in the blob store, and a
	// result, each with the position that its dead letter names.
	inlineMsg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "inline.htm", MediaType: schemas.MediaHTML}, []byte("<p>inline</p>"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	inline := writeOne(t, cfg, kafka.TopicRaw, inlineMsg)
	blobMsg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "large.htm", MediaType: schemas.MediaHTML}, []byte("<p>stored in the blob store</p>"), 4, blobs)
	if err != nil {
		t.Fatal(err)
	}
	blobbed := writeOne(t, cfg, kafka.TopicRaw, blobMsg)
	resultValue, err := json.Marshal(map[string]any{"schema_version": 2})
	if err != nil {
		t.Fatal(err)
	}
	result := writeOne(t, cfg, kafka.TopicExtracted, kafkago.Message{
		Key: inline.Key, Value: resultValue,
		Headers: []kafkago.Header{{Key: pipeline.HeaderSchema, Value: []byte(schemas.SchemaResult)}},
	})

	// The blob filing's letter names an offset that the topic no longer
	// holds, as after retention, so replay must rebuild it from the envelope.
	expired := blobbed
	expired.Offset = 1000
	publishStage := schemas.DeadLetter{SchemaVersion: schemas.SchemaVersion, SourcePath: "unreadable.pdf",
		Stage: schemas.StagePublish, Reason: "unreadable", Error: "permission denied", Offset: -1, FailedAt: time.Now().UTC()}
	publishValue, err := schemas.Marshal(schemas.SchemaDeadLetter, publishStage)
	if err != nil {
		t.Fatal(err)
	}
	w := kafka.NewWriter(cfg, kafka.TopicDLQ)
	err = w.WriteMessages(ctx,
		deadLetterFor(t, inline, schemas.StageExtract, "extract_timeout"),
		deadLetterFor(t, inline, schemas.StageExtract, "extract_timeout"),
		deadLetterFor(t, expired, schemas.StageExtract, "parse_panic"),
		deadLetterFor(t, result, schemas.StageLoad, "sink_write_failed"),
		kafkago.Message{Key: []byte("unreadable:unreadable.pdf"), Value: publishValue},
		kafkago.Message{Key: []byte("junk"), Value: []byte("not json")},
	)
	w.Close()
	if err != nil {
		t.Fatal(err)
	}

	out, err := runReplay(t, "--brokers", brokers, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 to replay, 3 skipped, 0 failed") {
		t.Errorf("dry run summary:\n%s\nwant 3 to replay, 3 skipped, 0 failed", out)
	}
	if n := len(topicMessages(t, cfg, kafka.TopicRaw)); n != 2 {
		t.Fatalf("after the dry run filings.raw has %d messages, want the 2 originals", n)
	}

	out, err = runReplay(t, "--brokers", brokers)
	if err != nil {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	if !strings.Contains(out, "3 replayed, 3 skipped, 0 failed") {
		t.Errorf("replay summary:\n%s\nwant 3 replayed, 3 skipped, 0 failed", out)
	}
	for _, want := range []string{"already replayed", "no message to replay", "not a dead letter", "rebuilt from the envelope"} {
		if !strings.Contains(out, want) {
			t.Errorf("replay output lacks %q:\n%s", want, out)
		}
	}

	raw := topicMessages(t, cfg, kafka.TopicRaw)
	if len(raw) != 4 {
		t.Fatalf("filings.raw has %d messages, want 2 originals and 2 replays", len(raw))
	}
	decoded := map[string]string{}
	for _, m := range raw {
		if headerValue(m.Headers, headerReplayedFrom) == nil {
			continue
		}
		f, content, err := kafka.DecodeFiling(ctx, m, blobs)
		if err != nil {
			t.Errorf("replayed filing at %d@%d does not decode: %v", m.Partition, m.Offset, err)
			continue
		}
		decoded[f.SourcePath] = string(content)
	}
	if decoded["inline.htm"] != "<p>inline</p>" || decoded["large.htm"] != "<p>stored in the blob store</p>" {
		t.Errorf("replayed filings decode to %v, want both documents with their content", decoded)
	}
	extracted := topicMessages(t, cfg, kafka.TopicExtracted)
	if len(extracted) != 2 || !bytes.Equal(extracted[1].Value, resultValue) && !bytes.Equal(extracted[0].Value, resultValue) {
		t.Errorf("filings.extracted has %d messages, want the result and its replay", len(extracted))
	}
	if n := len(topicMessages(t, cfg, kafka.TopicDLQ)); n != 6 {
		t.Errorf("filings.dlq has %d messages after replay, want the 6 it had: replay never deletes", n)
	}

	filters := []struct {
		name string
		args []string
		want string
	}{
		// The message that is not a dead letter is skipped by every run, and
		// the result has the same key as the inline filing.
		{"reason", []string{"--reason", "sink_write_failed"}, "1 to replay, 1 skipped"},
		{"stage", []string{"--stage", "extract"}, "2 to replay, 2 skipped"},
		{"doc prefix", []string{"--doc", string(inline.Key[:10])}, "2 to replay, 2 skipped"},
	}
	for _, tt := range filters {
		t.Run(tt.name, func(t *testing.T) {
			// --force, because the run above replayed every letter.
			out, err := runReplay(t, append([]string{"--brokers", brokers, "--dry-run", "--force"}, tt.args...)...)
			if err != nil {
				t.Fatalf("replay: %v\n%s", err, out)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("output:\n%s\nwant %q", out, tt.want)
			}
		})
	}
}

// TestDLQReplayMissingOriginal checks that a dead letter whose inline
// filing is gone is reported as failed, with exit status 1.
func TestDLQReplayMissingOriginal(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 30*time.Second)
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "inline.htm", MediaType: schemas.MediaHTML}, []byte("x"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	msg.Topic, msg.Partition, msg.Offset = cfg.Topic(kafka.TopicRaw), 0, 7
	w := kafka.NewWriter(cfg, kafka.TopicDLQ)
	defer w.Close()
	if err := w.WriteMessages(ctx, deadLetterFor(t, msg, schemas.StageExtract, "not_pdf")); err != nil {
		t.Fatal(err)
	}
	out, err := runReplay(t, "--brokers", strings.Join(cfg.Brokers, ","))
	var exit exitError
	if !errors.As(err, &exit) || exit.code != 1 {
		t.Errorf("got %v, want exit status 1", err)
	}
	if !strings.Contains(out, "0 replayed, 0 skipped, 1 failed") || !strings.Contains(out, "offset not found") {
		t.Errorf("output:\n%s\nwant one failure naming the missing offset", out)
	}
}

// TestDLQReplayThroughExtractStage runs the extract stage with an extractor
// that fails, replays its dead letter once the cause is gone, and checks
// that the document is then extracted.
func TestDLQReplayThroughExtractStage(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 60*time.Second)
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "flaky.htm", MediaType: schemas.MediaHTML}, []byte("<p>flaky</p>"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeOne(t, cfg, kafka.TopicRaw, msg)

	var broken atomic.Bool
	broken.Store(true)
	extract := func(_ context.Context, f schemas.Filing, _ []byte) (*schemas.Result, error) {
		if broken.Load() {
			return nil, errors.New("extractor bug")
		}
		r := &schemas.Result{SchemaVersion: schemas.SchemaVersion, Filing: f, Provider: "test", ExtractedAt: time.Now().UTC()}
		r.FillEmpty()
		return r, nil
	}
	runStage := func(until func() bool) {
		t.Helper()
		var st stages
		st.groupPrefix = "replay-test"
		defer st.Close()
		stage := st.extract(cfg, nil, extract, 1, nil, nil)
		stage.Backoff = pipeline.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond, Attempts: 3}
		stageCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- stage.Run(stageCtx) }()
		for !until() {
			if ctx.Err() != nil {
				t.Fatal("stage did not produce the expected message in time")
			}
			time.Sleep(100 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("extract stage: %v", err)
		}
	}

	runStage(func() bool { return len(topicMessages(t, cfg, kafka.TopicDLQ)) == 1 })
	if n := len(topicMessages(t, cfg, kafka.TopicExtracted)); n != 0 {
		t.Fatalf("filings.extracted has %d messages while the extractor fails, want 0", n)
	}

	broken.Store(false)
	out, err := runReplay(t, "--brokers", strings.Join(cfg.Brokers, ","), "--reason", "extract_failed")
	if err != nil || !strings.Contains(out, "1 replayed") {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	runStage(func() bool { return len(topicMessages(t, cfg, kafka.TopicExtracted)) == 1 })
	var res schemas.Result
	if err := json.Unmarshal(topicMessages(t, cfg, kafka.TopicExtracted)[0].Value, &res); err != nil {
		t.Fatal(err)
	}
	if res.Filing.DocID != string(msg.Key) {
		t.Errorf("result doc id %s, want %s", res.Filing.DocID, msg.Key)
	}
}

// TestDLQReplayOnceAcrossRuns runs the extract stage with an extractor
// that always fails and replays four times: only the first run publishes,
// because the second letter comes from the replayed message and the first
// letter's message was replayed already.
func TestDLQReplayOnceAcrossRuns(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 90*time.Second)
	brokers := strings.Join(cfg.Brokers, ",")
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "broken.htm", MediaType: schemas.MediaHTML}, []byte("<p>broken</p>"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	writeOne(t, cfg, kafka.TopicRaw, msg)

	extract := func(context.Context, schemas.Filing, []byte) (*schemas.Result, error) {
		return nil, errors.New("extractor bug")
	}
	var st stages
	st.groupPrefix = "replay-once-test"
	defer st.Close()
	stage := st.extract(cfg, nil, extract, 1, nil, nil)
	stage.Backoff = pipeline.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond, Attempts: 2}
	stageCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- stage.Run(stageCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("extract stage: %v", err)
		}
	}()
	waitLetters := func(n int) {
		t.Helper()
		for len(topicMessages(t, cfg, kafka.TopicDLQ)) < n {
			if ctx.Err() != nil {
				t.Fatalf("filings.dlq did not reach %d dead letters in time", n)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	waitLetters(1)
	wantReplayed := []string{"1 replayed", "0 replayed", "0 replayed", "0 replayed"}
	for i, want := range wantReplayed {
		out, err := runReplay(t, "--brokers", brokers)
		if err != nil {
			t.Fatalf("run %d: %v\n%s", i+1, err, out)
		}
		if !strings.Contains(out, want+",") {
			t.Errorf("run %d: got\n%s\nwant %s", i+1, out, want)
		}
		if i == 0 {
			waitLetters(2)
		}
	}
	// Time for the stage to dead-letter anything a faulty run published.
	time.Sleep(time.Second)
	if n := len(topicMessages(t, cfg, kafka.TopicRaw)); n != 2 {
		t.Errorf("filings.raw has %d messages, want the original and one replay", n)
	}
	if n := len(topicMessages(t, cfg, kafka.TopicDLQ)); n != 2 {
		t.Errorf("filings.dlq has %d messages, want 2", n)
	}

	out, err := runReplay(t, "--brokers", brokers, "--dry-run")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"replayed by an earlier run; pass --force", "failed again after a replay", "0 to replay, 2 skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run lacks %q:\n%s", want, out)
		}
	}
	flagged := []struct {
		flag string
		want string
	}{
		{"--force", "1 to replay, 1 skipped"},
		{"--include-replayed", "1 to replay, 1 skipped"},
	}
	for _, tt := range flagged {
		t.Run(tt.flag, func(t *testing.T) {
			out, err := runReplay(t, "--brokers", brokers, "--dry-run", tt.flag)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("got\n%s\nwant %q", out, tt.want)
			}
		})
	}
}

// writeLetters writes dead letters to filings.dlq.
func writeLetters(t *testing.T, cfg kafka.Config, letters ...kafkago.Message) {
	t.Helper()
	w := kafka.NewWriter(cfg, kafka.TopicDLQ)
	defer w.Close()
	if err := w.WriteMessages(testContext(t, 10*time.Second), letters...); err != nil {
		t.Fatal(err)
	}
}

// TestDLQReplayOnlyInputTopics checks that a dead letter naming a topic
// other than its stage's input topic under the prefix is skipped.
func TestDLQReplayOnlyInputTopics(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 30*time.Second)
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "flag.htm", MediaType: schemas.MediaHTML}, []byte("<p>flag</p>"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	alert := writeOne(t, cfg, kafka.TopicRiskFlags, msg)
	raw := writeOne(t, cfg, kafka.TopicRaw, msg)
	otherPrefix := raw
	otherPrefix.Topic = "other-team-" + raw.Topic
	wrongStage := raw
	writeLetters(t, cfg,
		deadLetterFor(t, alert, schemas.StageLoad, "sink_write_failed"),
		deadLetterFor(t, alert, schemas.StageExtract, "extract_failed"),
		deadLetterFor(t, otherPrefix, schemas.StageExtract, "extract_failed"),
		deadLetterFor(t, wrongStage, schemas.StageLoad, "sink_write_failed"),
	)

	out, err := runReplay(t, "--brokers", strings.Join(cfg.Brokers, ","))
	if err != nil {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	if !strings.Contains(out, "0 replayed, 4 skipped, 0 failed") {
		t.Errorf("got\n%s\nwant 0 replayed, 4 skipped, 0 failed", out)
	}
	if n := strings.Count(out, "not the stage's input topic"); n != 4 {
		t.Errorf("got %d topic rejections, want 4:\n%s", n, out)
	}
	if n := len(topicMessages(t, cfg, kafka.TopicRaw)); n != 1 {
		t.Errorf("filings.raw has %d messages, want the 1 original", n)
	}
	if n := len(topicMessages(t, cfg, kafka.TopicExtracted)); n != 0 {
		t.Errorf("filings.extracted has %d messages, want 0", n)
	}
}

// TestDLQReplayChecksEnvelope checks that a message is not rebuilt from an
// envelope that fails the filing schema or names another document.
func TestDLQReplayChecksEnvelope(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 30*time.Second)
	blobs := kafkatest.NewBlobs()
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "large.htm", MediaType: schemas.MediaHTML}, []byte("<p>in the blob store</p>"), 4, blobs)
	if err != nil {
		t.Fatal(err)
	}
	stored := writeOne(t, cfg, kafka.TopicRaw, msg)
	expired := stored
	expired.Offset = 1000
	validLetter := deadLetterFor(t, expired, schemas.StageExtract, "parse_panic")

	f, _, err := kafka.DecodeFiling(ctx, stored, blobs)
	if err != nil {
		t.Fatal(err)
	}
	withEnvelope := func(edit func(*schemas.Filing)) kafkago.Message {
		g := f
		edit(&g)
		envelope, err := json.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		m := expired
		m.Headers = []kafkago.Header{{Key: kafka.HeaderFiling, Value: envelope}}
		return deadLetterFor(t, m, schemas.StageExtract, "parse_panic")
	}
	cases := []struct {
		name   string
		letter kafkago.Message
		want   string
	}{
		{"blob ref path", withEnvelope(func(g *schemas.Filing) { g.BlobRef = "sha256:../../../../etc/passwd" }), "blob_ref"},
		{"other doc id", withEnvelope(func(g *schemas.Filing) { g.DocID = strings.Repeat("ab", 32); g.BlobRef = "sha256:" + g.DocID }), "differ from the dead letter"},
		{"inline content", withEnvelope(func(g *schemas.Filing) { g.BlobRef = "" }), "no blob_ref"},
		{"schema violation", withEnvelope(func(g *schemas.Filing) { g.MediaType = "text/x-evil" }), "invalid"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if err := replayEnvelopeCheck(tt.letter); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if err := replayEnvelopeCheck(validLetter); err != nil {
		t.Errorf("valid envelope: got %v, want nil", err)
	}

	writeLetters(t, cfg, cases[0].letter, cases[1].letter)
	out, err := runReplay(t, "--brokers", strings.Join(cfg.Brokers, ","))
	var exit exitError
	if !errors.As(err, &exit) || exit.code != 1 {
		t.Errorf("got %v, want exit status 1", err)
	}
	if !strings.Contains(out, "0 replayed, 0 skipped, 2 failed") {
		t.Errorf("got\n%s\nwant 0 replayed, 0 skipped, 2 failed", out)
	}
	if n := len(topicMessages(t, cfg, kafka.TopicRaw)); n != 1 {
		t.Errorf("filings.raw has %d messages, want the 1 original", n)
	}
}

// replayEnvelopeCheck runs checkEnvelope on the envelope header of a dead
// letter message.
func replayEnvelopeCheck(letter kafkago.Message) error {
	var dl schemas.DeadLetter
	if err := json.Unmarshal(letter.Value, &dl); err != nil {
		return err
	}
	return checkEnvelope(headerValue(letter.Headers, kafka.HeaderFiling), dl.DocID, letter.Key)
}

// TestDLQReplayEscapesLetterText checks that control characters in a dead
// letter's reason, source path and document id are escaped in the output.
func TestDLQReplayEscapesLetterText(t *testing.T) {
	cfg := kafkatest.Start(t, nil)
	ctx := testContext(t, 30*time.Second)
	msg, err := kafka.EncodeFiling(ctx, schemas.Filing{SourcePath: "esc.htm", MediaType: schemas.MediaHTML}, []byte("<p>esc</p>"), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	raw := writeOne(t, cfg, kafka.TopicRaw, msg)
	letter := deadLetterFor(t, raw, schemas.StageExtract, "esc\x1b[31mRED\x1b]0;T\x07")
	var dl schemas.DeadLetter
	if err := json.Unmarshal(letter.Value, &dl); err != nil {
		t.Fatal(err)
	}
	dl.SourcePath = "dir/\x1b[2J.htm"
	if letter.Value, err = schemas.Marshal(schemas.SchemaDeadLetter, dl); err != nil {
		t.Fatal(err)
	}
	missing := raw
	missing.Offset = 1000
	failing := deadLetterFor(t, missing, schemas.StageExtract, "x\x1b[2Jy")
	foreign := deadLetterFor(t, raw, schemas.StageLoad, "z")
	var fdl schemas.DeadLetter
	if err := json.Unmarshal(foreign.Value, &fdl); err != nil {
		t.Fatal(err)
	}
	fdl.Topic = "evil\x1b[2J"
	if foreign.Value, err = schemas.Marshal(schemas.SchemaDeadLetter, fdl); err != nil {
		t.Fatal(err)
	}
	publish := schemas.DeadLetter{SchemaVersion: schemas.SchemaVersion, SourcePath: "p\x1b[2J.pdf",
		Stage: schemas.StagePublish, Reason: "unreadable", Error: "e", Offset: -1, FailedAt: time.Now().UTC()}
	publishValue, err := schemas.Marshal(schemas.SchemaDeadLetter, publish)
	if err != nil {
		t.Fatal(err)
	}
	writeLetters(t, cfg, letter, failing, foreign, kafkago.Message{Key: []byte("p"), Value: publishValue})

	out, _ := runReplay(t, "--brokers", strings.Join(cfg.Brokers, ","), "--dry-run")
	if !strings.Contains(out, "1 to replay, 2 skipped, 1 failed") {
		t.Errorf("got\n%s\nwant 1 to replay, 2 skipped, 1 failed", out)
	}
	if i := strings.IndexFunc(strings.ReplaceAll(out, "\n", ""), unicode.IsControl); i >= 0 {
		t.Errorf("output has a control character:\n%q", out)
	}
	for _, want := range []string{`esc\x1b[31mRED\x1b]0;T\a`, `dir/\x1b[2J.htm`, `x\x1b[2Jy`, `evil\x1b[2J`, `p\x1b[2J.pdf`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks the escaped text %s:\n%s", want, out)
		}
	}
}
