package kafka

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
)

func TestEnsureTopicsCreatesAll(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)

	if err := EnsureTopics(ctx, cfg); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
	// A second call finds every topic and changes nothing.
	if err := EnsureTopics(ctx, cfg); err != nil {
		t.Fatalf("second EnsureTopics: %v", err)
	}

	parts := partitionCounts(t, cfg, Topics()...)
	for _, topic := range Topics() {
		if got := parts[topic]; got != DefaultPartitions {
			t.Errorf("topic %s: got %d partitions, want %d", topic, got, DefaultPartitions)
		}
	}
}

func TestEnsureTopicsKeepsExisting(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("existing")

	onePartition := cfg
	onePartition.Partitions = 1
	if err := EnsureTopics(ctx, onePartition, topic); err != nil {
		t.Fatalf("EnsureTopics with 1 partition: %v", err)
	}
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatalf("EnsureTopics with %d partitions: %v", cfg.Partitions, err)
	}
	if got := partitionCounts(t, cfg, topic)[topic]; got != 1 {
		t.Fatalf("got %d partitions, want the existing 1", got)
	}
}

func TestEnsureTopicsUnreachable(t *testing.T) {
	// A port that was just released has no listener.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	cfg := Config{Brokers: []string{addr}, DialTimeout: 200 * time.Millisecond, IOTimeout: time.Second}
	ctx := testContext(t)
	start := time.Now()
	err = EnsureTopics(ctx, cfg, "unreachable")
	if err == nil {
		t.Fatal("got nil error for a broker with no listener, want an error")
	}
	if elapsed := time.Since(start); elapsed > 15*time.Second {
		t.Errorf("got failure after %v, want it within 15 s", elapsed)
	}
}

func TestEnsureTopicsInvalidConfig(t *testing.T) {
	if err := EnsureTopics(testContext(t), Config{}, "x"); err == nil {
		t.Fatal("got nil error for a config without brokers, want an error")
	}
}

func partitionCounts(t *testing.T, cfg Config, topics ...string) map[string]int {
	t.Helper()
	client := &kafkago.Client{Addr: kafkago.TCP(cfg.Brokers...), Transport: &kafkago.Transport{}}
	resp, err := client.Metadata(testContext(t), &kafkago.MetadataRequest{Topics: topics})
	if err != nil {
		t.Fatalf("metadata: %v", err)
	}
	counts := make(map[string]int)
	for _, topic := range resp.Topics {
		if topic.Error == nil {
			counts[topic.Name] = len(topic.Partitions)
		}
	}
	return counts
}

// position names one record.
type position struct {
	Partition int
	Offset    int64
}

func produce(t *testing.T, cfg Config, topic string, msgs ...kafkago.Message) {
	t.Helper()
	w := NewWriter(cfg, topic)
	defer w.Close()
	if err := w.WriteMessages(testContext(t), msgs...); err != nil {
		t.Fatalf("write %d messages to %s: %v", len(msgs), topic, err)
	}
}

func keyedMessages(n int) []kafkago.Message {
	msgs := make([]kafkago.Message, n)
	for i := range msgs {
		msgs[i] = kafkago.Message{Key: fmt.Appendf(nil, "doc-%03d", i), Value: fmt.Appendf(nil, "value %d", i)}
	}
	return msgs
}

// fetchN fetches n messages from r, failing the test after 10 s.
func fetchN(t *testing.T, r *kafkago.Reader, n int) []kafkago.Message {
	t.Helper()
	ctx, cancel := contextWithTimeout(t, 10*time.Second)
	defer cancel()
	var got []kafkago.Message
	for len(got) < n {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			t.Fatalf("fetch message %d of %d: %v", len(got)+1, n, err)
		}
		got = append(got, m)
	}
	return got
}

// assertNoMore checks that r delivers nothing within wait.
func assertNoMore(t *testing.T, r *kafkago.Reader, wait time.Duration) {
	t.Helper()
	ctx, cancel := contextWithTimeout(t, wait)
	defer cancel()
	m, err := r.FetchMessage(ctx)
	if err == nil {
		t.Fatalf("got extra message key %s at %d/%d, want none", m.Key, m.Partition, m.Offset)
	}
}

func TestWriteReadConsumerGroup(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("roundtrip")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	const n = 60
	sent := keyedMessages(n)
	produce(t, cfg, topic, sent...)

	r := NewReader(cfg, "roundtrip-group", topic)
	defer r.Close()
	got := fetchN(t, r, n)

	values := make(map[string]string)
	partitions := make(map[int]bool)
	for _, m := range got {
		if _, dup := values[string(m.Key)]; dup {
			t.Errorf("key %s delivered twice", m.Key)
		}
		values[string(m.Key)] = string(m.Value)
		partitions[m.Partition] = true
	}
	for _, m := range sent {
		if got, want := values[string(m.Key)], string(m.Value); got != want {
			t.Errorf("key %s: got value %q, want %q", m.Key, got, want)
		}
	}
	if len(partitions) != cfg.Partitions {
		t.Errorf("got messages on %d partitions, want all %d used by %d keys", len(partitions), cfg.Partitions, n)
	}
	assertNoMore(t, r, 300*time.Millisecond)
}

func TestWriterSameKeySamePartition(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("keyed")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	var msgs []kafkago.Message
	for round := range 3 {
		for _, key := range []string{"alpha", "beta", "gamma", "delta"} {
			msgs = append(msgs, kafkago.Message{Key: []byte(key), Value: fmt.Appendf(nil, "%s-%d", key, round)})
		}
	}
	w := NewWriter(cfg, topic)
	defer w.Close()
	for _, m := range msgs {
		if err := w.WriteMessages(ctx, m); err != nil {
			t.Fatalf("write %s: %v", m.Value, err)
		}
	}

	r := NewReader(cfg, "keyed-group", topic)
	defer r.Close()
	partitionOf := make(map[string]int)
	lastValue := make(map[string]string)
	for _, m := range fetchN(t, r, len(msgs)) {
		key := string(m.Key)
		if p, ok := partitionOf[key]; ok && p != m.Partition {
			t.Errorf("key %s: got partitions %d and %d, want one", key, p, m.Partition)
		}
		partitionOf[key] = m.Partition
		// Within a partition the messages of one key arrive in write order.
		if prev := lastValue[key]; prev != "" && string(m.Value) < prev {
			t.Errorf("key %s: got %s after %s, want write order", key, m.Value, prev)
		}
		lastValue[key] = string(m.Value)
	}
}

func TestCommitThenResume(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("resume")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	const n, first = 12, 5
	produce(t, cfg, topic, keyedMessages(n)...)

	r1 := NewReader(cfg, "resume-group", topic)
	got1 := fetchN(t, r1, first)
	for _, m := range got1 {
		if err := r1.CommitMessages(ctx, m); err != nil {
			t.Fatalf("commit %d/%d: %v", m.Partition, m.Offset, err)
		}
	}
	if err := r1.Close(); err != nil {
		t.Fatalf("close first reader: %v", err)
	}

	r2 := NewReader(cfg, "resume-group", topic)
	defer r2.Close()
	got2 := fetchN(t, r2, n-first)
	assertNoMore(t, r2, 300*time.Millisecond)

	seen := make(map[position]int)
	for _, m := range append(got1, got2...) {
		seen[position{m.Partition, m.Offset}]++
	}
	if len(seen) != n {
		t.Errorf("got %d distinct records, want %d", len(seen), n)
	}
	for pos, count := range seen {
		if count != 1 {
			t.Errorf("record %d/%d: got %d deliveries, want 1", pos.Partition, pos.Offset, count)
		}
	}
}

func TestUncommittedRedelivered(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("redeliver")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	const n, committed = 9, 3
	produce(t, cfg, topic, keyedMessages(n)...)

	r1 := NewReader(cfg, "redeliver-group", topic)
	got1 := fetchN(t, r1, n)
	// Commits follow fetch order, so every later message of a partition
	// has a higher offset than the committed ones and stays uncommitted.
	if err := r1.CommitMessages(ctx, got1[:committed]...); err != nil {
		t.Fatalf("commit: %v", err)
	}
	if err := r1.Close(); err != nil {
		t.Fatalf("close first reader: %v", err)
	}

	r2 := NewReader(cfg, "redeliver-group", topic)
	defer r2.Close()
	got2 := fetchN(t, r2, n-committed)
	assertNoMore(t, r2, 300*time.Millisecond)

	var want, got []position
	for _, m := range got1[committed:] {
		want = append(want, position{m.Partition, m.Offset})
	}
	for _, m := range got2 {
		got = append(got, position{m.Partition, m.Offset})
	}
	sortPositions(want)
	sortPositions(got)
	if !slices.Equal(got, want) {
		t.Fatalf("got redelivered %v, want the uncommitted %v", got, want)
	}
}

func sortPositions(p []position) {
	slices.SortFunc(p, func(a, b position) int {
		if a.Partition != b.Partition {
			return a.Partition - b.Partition
		}
		return int(a.Offset - b.Offset)
	})
}

func TestLargeInlineMessage(t *testing.T) {
	// 3 MiB of random bytes does not compress, so the produce batch exceeds
	// Apache Kafka's default message.max.bytes of about 1 MB and kafka-go's
	// default fetch size of 1 MB.
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("large")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	value := make([]byte, 3<<20)
	rand.Read(value)
	produce(t, cfg, topic, kafkago.Message{Key: []byte("big"), Value: value})

	r := NewReader(cfg, "large-group", topic)
	defer r.Close()
	got := fetchN(t, r, 1)[0]
	if !bytes.Equal(got.Value, value) {
		t.Fatalf("got %d bytes back, want the %d bytes written", len(got.Value), len(value))
	}
}

func TestWriterRejectsOversizedMessage(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("oversized")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(cfg, topic)
	defer w.Close()
	err := w.WriteMessages(ctx, kafkago.Message{Key: []byte("huge"), Value: make([]byte, cfg.MaxMessageBytes+1)})
	if err == nil {
		t.Fatalf("got nil error for a %d-byte message, want one above MaxMessageBytes %d rejected", cfg.MaxMessageBytes+1, cfg.MaxMessageBytes)
	}
	var tooLarge kafkago.MessageTooLargeError
	var writeErrs kafkago.WriteErrors
	if !errors.As(err, &tooLarge) && !errors.As(err, &writeErrs) {
		t.Errorf("got %T %v, want kafkago.MessageTooLargeError or WriteErrors", err, err)
	}
}

func TestWriterMissingTopic(t *testing.T) {
	cfg := startBroker(t)
	cfg.MaxAttempts = 2
	cfg.BackoffMax = 100 * time.Millisecond
	w := NewWriter(cfg, "never.created")
	defer w.Close()
	err := w.WriteMessages(testContext(t), kafkago.Message{Key: []byte("k"), Value: []byte("v")})
	if err == nil {
		t.Fatal("got nil error writing to a topic that was never created, want an error")
	}
}

func TestCompressionCodecs(t *testing.T) {
	cfg := startBroker(t)
	value := bytes.Repeat([]byte("Item 1A. Risk Factors. "), 4000)
	for _, codec := range []string{"none", "gzip", "snappy", "lz4", "zstd"} {
		t.Run(codec, func(t *testing.T) {
			ctx := testContext(t)
			c := cfg
			c.Compression = codec
			topic := uniqueTopic("codec-" + codec)
			if err := EnsureTopics(ctx, c, topic); err != nil {
				t.Fatal(err)
			}
			produce(t, c, topic, kafkago.Message{Key: []byte(codec), Value: value})
			r := NewReader(c, "codec-group", topic)
			defer r.Close()
			got := fetchN(t, r, 1)[0]
			if !bytes.Equal(got.Value, value) {
				t.Fatalf("got %d bytes, want %d", len(got.Value), len(value))
			}
		})
	}
}

func TestFirstFetchLatency(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("latency")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	produce(t, cfg, topic, keyedMessages(1)...)

	// A new group joins, is assigned every partition and fetches from the
	// earliest offset. kafka-go's default timeouts against a broker that
	// delays the first join (Apache Kafka's group.initial.rebalance.delay.ms
	// is 3 s) would take seconds.
	const limit = 2 * time.Second
	for i := range 3 {
		start := time.Now()
		r := NewReader(cfg, fmt.Sprintf("latency-group-%d", i), topic)
		fetchN(t, r, 1)
		elapsed := time.Since(start)
		closeStart := time.Now()
		r.Close()
		t.Logf("group %d: first FetchMessage after %v, Close after %v", i, elapsed, time.Since(closeStart))
		if elapsed > limit {
			t.Errorf("group %d: got first message after %v, want under %v", i, elapsed, limit)
		}
	}

	// A reader that waits for a message written after it joined.
	r := NewReader(cfg, "latency-live", topic)
	defer r.Close()
	fetchN(t, r, 1)
	go func() {
		time.Sleep(100 * time.Millisecond)
		produce(t, cfg, topic, kafkago.Message{Key: []byte("late"), Value: []byte("v")})
	}()
	start := time.Now()
	m := fetchN(t, r, 1)[0]
	wait := time.Since(start) - 100*time.Millisecond
	t.Logf("message written to a joined reader arrived %v after the write started", wait)
	if string(m.Key) != "late" {
		t.Errorf("got key %s, want late", m.Key)
	}
	if wait > cfg.MaxWait+time.Second {
		t.Errorf("got delivery %v after the write, want under MaxWait %v plus 1 s", wait, cfg.MaxWait)
	}
}

func TestEnsureTopicsThreeBrokers(t *testing.T) {
	// The controller is one of three brokers, so CreateTopics must be routed
	// to it, and every partition needs a leader before writes succeed.
	cluster, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatalf("start 3-broker cluster: %v", err)
	}
	defer cluster.Close()
	cfg := Config{Brokers: cluster.ListenAddrs()[:1], ReplicationFactor: 3, Partitions: 6}.WithDefaults()
	ctx := testContext(t)
	topic := uniqueTopic("replicated")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatalf("EnsureTopics: %v", err)
	}
	if got := partitionCounts(t, cfg, topic)[topic]; got != 6 {
		t.Fatalf("got %d partitions, want 6", got)
	}
	produce(t, cfg, topic, keyedMessages(30)...)
	r := NewReader(cfg, "replicated-group", topic)
	defer r.Close()
	fetchN(t, r, 30)
}
