package kafka

// Tests against a real Apache Kafka broker, named by FINX_KAFKA_BROKERS
// (scripts/services start runs one). They skip when it is unset and fail
// under CI=true. Every topic and group name carries a prefix unique to the
// test run, and the tests delete their topics and groups afterwards, so that
// runs against the same broker do not see each other's records.

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"

	"github.com/finx-dev/finx/internal/testenv"
)

// serviceRun prefixes the topics and groups of one test binary run.
var serviceRun = fmt.Sprintf("finx-test-%d", time.Now().UnixNano())

// serviceConfig returns a Config for the broker in FINX_KAFKA_BROKERS.
func serviceConfig(t *testing.T) Config {
	t.Helper()
	brokers := strings.Split(testenv.KafkaBrokers(t), ",")
	cfg := Config{Brokers: brokers, Logger: testLogger()}.WithDefaults()
	if err := cfg.Validate(); err != nil {
		t.Fatalf("FINX_KAFKA_BROKERS: %v", err)
	}
	return cfg
}

// serviceName returns a topic or group name unique to this run and test.
func serviceName(t *testing.T, suffix string) string {
	return fmt.Sprintf("%s.%s.%s", serviceRun, strings.ReplaceAll(t.Name(), "/", "."), suffix)
}

func adminClient(cfg Config) *kafkago.Client {
	return &kafkago.Client{
		Addr:      kafkago.TCP(cfg.Brokers...),
		Transport: &kafkago.Transport{ClientID: cfg.ClientID, DialTimeout: cfg.DialTimeout},
		Timeout:   cfg.IOTimeout,
	}
}

// serviceTopics ensures the topics on the real broker with cfg and deletes
// them when the test ends.
func serviceTopics(t *testing.T, cfg Config, topics ...string) {
	t.Helper()
	t.Cleanup(func() { deleteTopics(t, cfg, topics...) })
	if err := EnsureTopics(testContext(t), cfg, topics...); err != nil {
		t.Fatalf("EnsureTopics %v: %v", topics, err)
	}
}

func deleteTopics(t *testing.T, cfg Config, topics ...string) {
	ctx, cancel := contextWithTimeout(t, 10*time.Second)
	defer cancel()
	resp, err := adminClient(cfg).DeleteTopics(ctx, &kafkago.DeleteTopicsRequest{Topics: topics})
	if err != nil {
		t.Errorf("delete topics %v: %v", topics, err)
		return
	}
	for topic, err := range resp.Errors {
		if err != nil && !errors.Is(err, kafkago.UnknownTopicOrPartition) {
			t.Errorf("delete topic %s: %v", topic, err)
		}
	}
}

// serviceGroup returns a group name unique to the test and deletes the group
// when the test ends. The group's readers must be closed by then, because
// the broker does not delete a group that has members.
func serviceGroup(t *testing.T, cfg Config, suffix string) string {
	group := serviceName(t, suffix)
	t.Cleanup(func() {
		ctx, cancel := contextWithTimeout(t, 10*time.Second)
		defer cancel()
		resp, err := adminClient(cfg).DeleteGroups(ctx, &kafkago.DeleteGroupsRequest{GroupIDs: []string{group}})
		if err != nil {
			t.Errorf("delete group %s: %v", group, err)
			return
		}
		if err := resp.Errors[group]; err != nil && !errors.Is(err, kafkago.GroupIdNotFound) {
			t.Errorf("delete group %s: %v", group, err)
		}
	})
	return group
}

// topicConfig returns one configuration value of a topic as the broker
// reports it.
func topicConfig(t *testing.T, cfg Config, topic, name string) string {
	t.Helper()
	resp, err := adminClient(cfg).DescribeConfigs(testContext(t), &kafkago.DescribeConfigsRequest{
		Resources: []kafkago.DescribeConfigRequestResource{{
			ResourceType: kafkago.ResourceTypeTopic,
			ResourceName: topic,
			ConfigNames:  []string{name},
		}},
	})
	if err != nil {
		t.Fatalf("describe configs of %s: %v", topic, err)
	}
	for _, res := range resp.Resources {
		if res.Error != nil {
			t.Fatalf("describe configs of %s: %v", topic, res.Error)
		}
		for _, e := range res.ConfigEntries {
			if e.ConfigName == name {
				return e.ConfigValue
			}
		}
	}
	t.Fatalf("topic %s: broker reported no %s", topic, name)
	return ""
}

func TestServiceEnsureTopics(t *testing.T) {
	cfg := serviceConfig(t)
	ctx := testContext(t)
	var topics []string
	for _, name := range Topics() {
		topics = append(topics, serviceName(t, name))
	}
	serviceTopics(t, cfg, topics...)
	// A second call finds every topic and changes nothing.
	if err := EnsureTopics(ctx, cfg, topics...); err != nil {
		t.Fatalf("second EnsureTopics: %v", err)
	}

	parts := partitionCounts(t, cfg, topics...)
	for _, topic := range topics {
		if got := parts[topic]; got != cfg.Partitions {
			t.Errorf("topic %s: got %d partitions, want %d", topic, got, cfg.Partitions)
		}
		if got, want := topicConfig(t, cfg, topic, "max.message.bytes"), strconv.Itoa(cfg.MaxMessageBytes); got != want {
			t.Errorf("topic %s: got max.message.bytes %s, want %s", topic, got, want)
		}
	}

	// Every partition accepts a write at once.
	for _, topic := range topics {
		produce(t, cfg, topic, keyedMessages(2*cfg.Partitions)...)
	}
}

// readCommitted reads n messages in group with a new reader, commits the
// first k of them in fetch order and closes the reader, which leaves the
// group. It returns the n messages.
func readCommitted(t *testing.T, cfg Config, group, topic string, n, k int) []kafkago.Message {
	t.Helper()
	r := NewReader(cfg, group, topic)
	got := fetchN(t, r, n)
	// Fetch order is offset order within a partition, so committing a
	// prefix of the fetched messages leaves every later one uncommitted.
	if k > 0 {
		if err := r.CommitMessages(testContext(t), got[:k]...); err != nil {
			t.Fatalf("commit %d messages: %v", k, err)
		}
	}
	if err := r.Close(); err != nil {
		t.Fatalf("close reader of group %s: %v", group, err)
	}
	return got
}

func positions(msgs []kafkago.Message) []position {
	p := make([]position, len(msgs))
	for i, m := range msgs {
		p[i] = position{m.Partition, m.Offset}
	}
	sortPositions(p)
	return p
}

func TestServiceGroupResumes(t *testing.T) {
	const n = 30
	cases := []struct {
		name string
		// read is how many messages the first reader fetches, and commit
		// how many of them it commits before it closes.
		read, commit int
	}{
		{"all read are committed", 12, 12},
		{"uncommitted are delivered again", 20, 7},
		{"nothing committed", 10, 0},
		{"everything committed", n, n},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := serviceConfig(t)
			topic := serviceName(t, "topic")
			serviceTopics(t, cfg, topic)
			produce(t, cfg, topic, keyedMessages(n)...)
			group := serviceGroup(t, cfg, "group")

			got1 := readCommitted(t, cfg, group, topic, c.read, c.commit)

			r2 := NewReader(cfg, group, topic)
			defer r2.Close()
			got2 := fetchN(t, r2, n-c.commit)
			assertNoMore(t, r2, time.Second)

			// The second reader gets exactly what the first did not
			// commit: nothing lost, nothing committed read again.
			all := positions(fetchAll(t, cfg, topic, n))
			want := slices.DeleteFunc(slices.Clone(all), func(p position) bool {
				return slices.Contains(positions(got1[:c.commit]), p)
			})
			if got := positions(got2); !slices.Equal(got, want) {
				t.Errorf("second reader: got %v, want the %d uncommitted %v", got, len(want), want)
			}
		})
	}
}

// fetchAll reads the n messages of topic in a throwaway group.
func fetchAll(t *testing.T, cfg Config, topic string, n int) []kafkago.Message {
	t.Helper()
	r := NewReader(cfg, serviceGroup(t, cfg, "all"), topic)
	defer r.Close()
	got := fetchN(t, r, n)
	assertNoMore(t, r, 300*time.Millisecond)
	return got
}

func TestServiceFilingByBlobReference(t *testing.T) {
	cfg := serviceConfig(t)
	ctx := testContext(t)
	topic := serviceName(t, TopicRaw)
	serviceTopics(t, cfg, topic)
	blobs := newMemBlobs()

	large := make([]byte, 3<<20)
	rand.Read(large)
	cases := []struct {
		name     string
		content  []byte
		wantBlob bool
	}{
		{"small inline", []byte("<html><body>Item 7. Results of Operations</body></html>"), false},
		{"at the inline limit", bytes.Repeat([]byte("a"), cfg.InlineLimit), false},
		{"one byte over the limit", bytes.Repeat([]byte("b"), cfg.InlineLimit+1), true},
		{"three megabytes", large, true},
	}
	w := NewWriter(cfg, topic)
	defer w.Close()
	contents := make(map[string][]byte)
	wantBlob := make(map[string]bool)
	for _, c := range cases {
		f := testFiling()
		f.SourcePath = "testdata/" + strings.ReplaceAll(c.name, " ", "-")
		msg, err := EncodeFiling(ctx, f, c.content, cfg.InlineLimit, blobs)
		if err != nil {
			t.Fatalf("%s: EncodeFiling: %v", c.name, err)
		}
		if c.wantBlob && len(msg.Value) != 0 {
			t.Errorf("%s: got %d value bytes, want an empty value and a blob", c.name, len(msg.Value))
		}
		if err := w.WriteMessages(ctx, msg); err != nil {
			t.Fatalf("%s: write: %v", c.name, err)
		}
		id := contentID(c.content)
		contents[id] = c.content
		wantBlob[id] = c.wantBlob
	}

	r := NewReader(cfg, serviceGroup(t, cfg, "group"), topic)
	defer r.Close()
	for _, msg := range fetchN(t, r, len(cases)) {
		f, content, err := DecodeFiling(ctx, msg, blobs)
		if err != nil {
			t.Fatalf("DecodeFiling at %d/%d: %v", msg.Partition, msg.Offset, err)
		}
		if got, want := f.BlobRef != "", wantBlob[f.DocID]; got != want {
			t.Errorf("%s: got blob reference %q, want one: %v", f.SourcePath, f.BlobRef, want)
		}
		if f.BlobRef != "" && len(msg.Value) != 0 {
			t.Errorf("%s: got %d value bytes from the broker, want none beside the blob reference", f.SourcePath, len(msg.Value))
		}
		if !bytes.Equal(content, contents[f.DocID]) {
			t.Errorf("%s: got %d content bytes, want %d", f.SourcePath, len(content), len(contents[f.DocID]))
		}
		delete(contents, f.DocID)
	}
	if len(contents) != 0 {
		t.Errorf("got %d filings never delivered", len(contents))
	}
	if blobs.puts != 2 {
		t.Errorf("got %d blob puts, want 2 for the two filings over the limit", blobs.puts)
	}
}

// createPlainTopic creates a one-partition topic without a max.message.bytes
// override, so the broker's message.max.bytes applies to it.
func createPlainTopic(t *testing.T, cfg Config, topic string) {
	t.Helper()
	t.Cleanup(func() { deleteTopics(t, cfg, topic) })
	resp, err := adminClient(cfg).CreateTopics(testContext(t), &kafkago.CreateTopicsRequest{
		Topics: []kafkago.TopicConfig{{Topic: topic, NumPartitions: 1, ReplicationFactor: 1}},
	})
	if err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	if err := resp.Errors[topic]; err != nil {
		t.Fatalf("create topic %s: %v", topic, err)
	}
	if err := waitForTopics(testContext(t), adminClient(cfg), []string{topic}); err != nil {
		t.Fatal(err)
	}
}

func TestServiceOversizedMessage(t *testing.T) {
	// scripts/services sets the broker's message.max.bytes to 16 MiB, and
	// EnsureTopics sets each topic's max.message.bytes. Random bytes do not
	// compress, so a batch is as large as its value.
	const brokerLimit = 16 << 20
	cases := []struct {
		name string
		// topicLimit is the max.message.bytes that EnsureTopics sets, or 0
		// for a topic with the broker's limit.
		topicLimit int
		// writerLimit is the writer's MaxMessageBytes.
		writerLimit int
		size        int
		// wantBroker is true when the broker rejects the batch, and
		// wantClient when kafka-go rejects it before sending.
		wantBroker, wantClient bool
	}{
		{name: "over the topic limit", topicLimit: 1 << 20, writerLimit: 8 << 20, size: 2 << 20, wantBroker: true},
		{name: "over the broker limit", writerLimit: 32 << 20, size: brokerLimit + 1<<20, wantBroker: true},
		{name: "under the broker limit", writerLimit: 32 << 20, size: 12 << 20},
		{name: "over the writer limit", topicLimit: 8 << 20, writerLimit: 8 << 20, size: 8<<20 + 1, wantClient: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := serviceConfig(t)
			cfg.Compression = "none"
			cfg.InlineLimit = 256 << 10
			cfg.IOTimeout = 30 * time.Second
			topic := serviceName(t, "topic")
			if c.topicLimit > 0 {
				topicCfg := cfg
				topicCfg.MaxMessageBytes = c.topicLimit
				serviceTopics(t, topicCfg, topic)
			} else {
				createPlainTopic(t, cfg, topic)
			}

			cfg.MaxMessageBytes = c.writerLimit
			// Two attempts keep the test short if kafka-go retries the
			// rejected batch.
			cfg.MaxAttempts = 2
			w := NewWriter(cfg, topic)
			defer w.Close()
			value := make([]byte, c.size)
			rand.Read(value)
			err := w.WriteMessages(testContext(t), kafkago.Message{Key: []byte("big"), Value: value})

			var tooLarge kafkago.MessageTooLargeError
			switch {
			case c.wantBroker:
				if !errors.Is(writeError(err), kafkago.MessageSizeTooLarge) {
					t.Fatalf("%d bytes: got error %v, want the broker's MESSAGE_TOO_LARGE", c.size, err)
				}
			case c.wantClient:
				if !errors.As(err, &tooLarge) {
					t.Fatalf("%d bytes: got error %v, want kafkago.MessageTooLargeError", c.size, err)
				}
			case err != nil:
				t.Fatalf("%d bytes: got error %v, want the write accepted", c.size, err)
			}

			// A small message written afterwards is the only one stored
			// when the large one was rejected.
			produce(t, cfg, topic, kafkago.Message{Key: []byte("small"), Value: []byte("v")})
			want := []string{"big", "small"}
			if c.wantBroker || c.wantClient {
				want = want[1:]
			}
			r := NewReader(cfg, serviceGroup(t, cfg, "group"), topic)
			defer r.Close()
			var got []string
			for _, m := range fetchN(t, r, len(want)) {
				got = append(got, string(m.Key))
				if string(m.Key) == "big" && !bytes.Equal(m.Value, value) {
					t.Errorf("got %d bytes back, want the %d written", len(m.Value), len(value))
				}
			}
			assertNoMore(t, r, 500*time.Millisecond)
			if !slices.Equal(got, want) {
				t.Errorf("got keys %v stored, want %v", got, want)
			}
		})
	}
}

// writeError returns the error of the one message in a kafkago.WriteErrors,
// which does not unwrap, or err itself.
func writeError(err error) error {
	var werrs kafkago.WriteErrors
	if errors.As(err, &werrs) && len(werrs) == 1 {
		return werrs[0]
	}
	return err
}

func TestServiceFirstFetchLatency(t *testing.T) {
	cfg := serviceConfig(t)
	topic := serviceName(t, "topic")
	serviceTopics(t, cfg, topic)
	produce(t, cfg, topic, keyedMessages(cfg.Partitions*2)...)

	// A new group joins, is assigned every partition and fetches from the
	// earliest offset. scripts/services sets group.initial.rebalance.delay.ms
	// to 0. With Apache Kafka 4.4's default of 3 s, every first fetch here
	// took 3.0 to 3.6 s.
	const limit = 2 * time.Second
	var total time.Duration
	const groups = 5
	for i := range groups {
		group := serviceGroup(t, cfg, fmt.Sprintf("group-%d", i))
		start := time.Now()
		r := NewReader(cfg, group, topic)
		fetchN(t, r, 1)
		elapsed := time.Since(start)
		closeStart := time.Now()
		if err := r.Close(); err != nil {
			t.Errorf("close reader of group %d: %v", i, err)
		}
		t.Logf("group %d: first FetchMessage after %v, Close after %v", i, elapsed, time.Since(closeStart))
		total += elapsed
		if elapsed > limit {
			t.Errorf("group %d: got first message after %v, want under %v", i, elapsed, limit)
		}
	}
	t.Logf("mean first-fetch latency of a new group: %v", total/groups)

	// A joined reader receives a message written after it caught up within
	// about one MaxWait.
	r := NewReader(cfg, serviceGroup(t, cfg, "live"), topic)
	defer r.Close()
	fetchN(t, r, cfg.Partitions*2)
	start := time.Now()
	produce(t, cfg, topic, kafkago.Message{Key: []byte("late"), Value: []byte("v")})
	m := fetchN(t, r, 1)[0]
	wait := time.Since(start)
	t.Logf("message written to a joined reader arrived %v after the write started", wait)
	if string(m.Key) != "late" {
		t.Errorf("got key %s, want late", m.Key)
	}
	if wait > cfg.MaxWait+time.Second {
		t.Errorf("got delivery %v after the write, want under MaxWait %v plus 1 s", wait, cfg.MaxWait)
	}
}
