package kafka

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

func TestTopicPrefixSeparatesPipelines(t *testing.T) {
	base := startBroker(t)
	ctx := testContext(t)
	a, b := base, base
	a.TopicPrefix, b.TopicPrefix = "a.", "b."
	for _, cfg := range []Config{a, b} {
		if err := EnsureTopics(ctx, cfg, TopicRaw); err != nil {
			t.Fatalf("EnsureTopics with prefix %q: %v", cfg.TopicPrefix, err)
		}
	}
	if got := partitionCounts(t, base, "a.filings.raw", "b.filings.raw"); len(got) != 2 {
		t.Fatalf("got topics %v, want a.filings.raw and b.filings.raw", got)
	}
	produce(t, a, TopicRaw, keyedMessages(3)...)
	produce(t, b, TopicRaw, keyedMessages(1)...)

	r := NewReader(a, "prefix-test", TopicRaw)
	defer r.Close()
	got := fetchN(t, r, 3)
	for _, m := range got {
		if m.Topic != "a.filings.raw" {
			t.Errorf("got a message of %s, want a.filings.raw", m.Topic)
		}
	}
	assertNoMore(t, r, 500*time.Millisecond)
}

func TestConfigValidateTopicPrefix(t *testing.T) {
	tests := []struct {
		prefix string
		ok     bool
	}{
		{"", true},
		{"crash-1_a.", true},
		{"has space.", false},
		{"slash/", false},
		{string(make([]byte, 201)), false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.12q", tt.prefix), func(t *testing.T) {
			cfg := Config{Brokers: []string{"127.0.0.1:9092"}, TopicPrefix: tt.prefix}.WithDefaults()
			err := cfg.Validate()
			if (err == nil) != tt.ok {
				t.Errorf("Validate: got %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func TestScanReadsEverythingOnce(t *testing.T) {
	cfg := startBroker(t)
	topic := uniqueTopic("scan")
	if err := EnsureTopics(testContext(t), cfg, topic); err != nil {
		t.Fatal(err)
	}
	produce(t, cfg, topic, keyedMessages(20)...)

	seen := map[string]int{}
	last := map[int]int64{}
	err := Scan(testContext(t), cfg, topic, func(m kafkago.Message) error {
		seen[string(m.Key)]++
		if prev, ok := last[m.Partition]; ok && m.Offset <= prev {
			t.Errorf("partition %d: offset %d after %d, want increasing", m.Partition, m.Offset, prev)
		}
		last[m.Partition] = m.Offset
		return nil
	})
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if len(seen) != 20 {
		t.Errorf("got %d distinct keys, want 20", len(seen))
	}
	for k, n := range seen {
		if n != 1 {
			t.Errorf("key %s read %d times, want 1", k, n)
		}
	}

	// fn's error ends the scan and is returned as it is.
	stop := errors.New("stop")
	calls := 0
	err = Scan(testContext(t), cfg, topic, func(kafkago.Message) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Scan with failing fn: got %v after %d calls, want stop after 1", err, calls)
	}
}

func TestScanEmptyTopic(t *testing.T) {
	cfg := startBroker(t)
	topic := uniqueTopic("empty")
	if err := EnsureTopics(testContext(t), cfg, topic); err != nil {
		t.Fatal(err)
	}
	calls := 0
	if err := Scan(testContext(t), cfg, topic, func(kafkago.Message) error { calls++; return nil }); err != nil {
		t.Fatalf("Scan: %v", err)
	}
	if calls != 0 {
		t.Errorf("got %d messages, want 0", calls)
	}
}

func TestFetchAt(t *testing.T) {
	cfg := startBroker(t)
	topic := uniqueTopic("fetch")
	if err := EnsureTopics(testContext(t), cfg, topic); err != nil {
		t.Fatal(err)
	}
	produce(t, cfg, topic, keyedMessages(9)...)
	var all []kafkago.Message
	if err := Scan(testContext(t), cfg, topic, func(m kafkago.Message) error { all = append(all, m); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, want := range all {
		got, err := FetchAt(testContext(t), cfg, topic, want.Partition, want.Offset)
		if err != nil {
			t.Fatalf("FetchAt %d@%d: %v", want.Partition, want.Offset, err)
		}
		if string(got.Key) != string(want.Key) || string(got.Value) != string(want.Value) {
			t.Errorf("FetchAt %d@%d: got key %s, want %s", want.Partition, want.Offset, got.Key, want.Key)
		}
	}

	tests := []struct {
		name      string
		partition int
		offset    int64
	}{
		{"past the end", all[0].Partition, 1000},
		{"negative offset", all[0].Partition, -5},
		{"no such partition", 99, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := FetchAt(testContext(t), cfg, topic, tt.partition, tt.offset)
			if !errors.Is(err, ErrOffsetNotFound) {
				t.Errorf("got %v, want ErrOffsetNotFound", err)
			}
		})
	}
}

func TestFollowFromEndAndBeginning(t *testing.T) {
	cfg := startBroker(t)
	topic := uniqueTopic("follow")
	if err := EnsureTopics(testContext(t), cfg, topic); err != nil {
		t.Fatal(err)
	}
	produce(t, cfg, topic, keyedMessages(4)...)

	follow := func(fromBeginning bool, want int) []string {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var mu sync.Mutex
		var keys []string
		done := make(chan error, 1)
		go func() {
			done <- Follow(ctx, cfg, topic, fromBeginning, func(m kafkago.Message) error {
				mu.Lock()
				defer mu.Unlock()
				keys = append(keys, string(m.Key))
				if len(keys) == want {
					cancel()
				}
				return nil
			})
		}()
		// The new message is written once the readers had time to start at
		// the end of each partition.
		time.Sleep(500 * time.Millisecond)
		produce(t, cfg, topic, kafkago.Message{Key: []byte("late"), Value: []byte("v")})
		if err := <-done; err != nil {
			t.Fatalf("Follow: %v", err)
		}
		mu.Lock()
		defer mu.Unlock()
		slices.Sort(keys)
		return keys
	}

	if got := follow(false, 1); fmt.Sprint(got) != "[late]" {
		t.Errorf("from the end: got %v, want [late]", got)
	}
	if got := follow(true, 6); len(got) != 6 || !slices.Contains(got, "doc-000") {
		t.Errorf("from the beginning: got %v, want the 4 older messages, the first late one and a new one", got)
	}
}
