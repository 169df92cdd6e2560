package kafka

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

// startOwnedBroker is startBroker for tests that stop the broker themselves.
func startOwnedBroker(t *testing.T) (*Embedded, Config) {
	t.Helper()
	e, err := StartEmbedded(testContext(t), testLogger())
	if err != nil {
		t.Fatalf("StartEmbedded: %v", err)
	}
	t.Cleanup(e.Close)
	return e, Config{Brokers: e.Addrs(), Logger: testLogger()}.WithDefaults()
}

func TestWriterBrokerGone(t *testing.T) {
	e, cfg := startOwnedBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("gone")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	cfg.MaxAttempts = 3
	cfg.BackoffMax = 200 * time.Millisecond
	w := NewWriter(cfg, topic)
	defer w.Close()
	if err := w.WriteMessages(ctx, kafkago.Message{Key: []byte("a"), Value: []byte("1")}); err != nil {
		t.Fatalf("write before close: %v", err)
	}

	e.Close()
	start := time.Now()
	err := w.WriteMessages(ctx, kafkago.Message{Key: []byte("a"), Value: []byte("2")})
	if err == nil {
		t.Fatal("got nil error writing to a stopped broker, want an error")
	}
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want the writer to give up before the test context", err)
	}
	t.Logf("write to a stopped broker failed after %v: %v", time.Since(start), err)
}

func TestReaderBrokerGoneHonoursContext(t *testing.T) {
	e, cfg := startOwnedBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("gone-reader")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	r := NewReader(cfg, "gone-group", topic)
	defer r.Close()
	e.Close()

	fetchCtx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := r.FetchMessage(fetchCtx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("got return after %v, want about 500 ms", elapsed)
	}
}

func TestTwoMembersShareGroup(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("shared")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}

	// The producer writes one message every 20 ms until both members of the
	// group have received one, which shows that the second member joined
	// and was assigned partitions. Each member commits what it processed,
	// so every written message is processed at least once.
	var (
		mu        sync.Mutex
		seen      = make(map[string]int)
		firstSeen [2]time.Duration
		written   []string
	)
	bothActive := make(chan struct{})
	var activeOnce sync.Once
	start := time.Now()

	membersCtx, stopMembers := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for member := range 2 {
		wg.Go(func() {
			r := NewReader(cfg, "shared-group", topic)
			defer r.Close()
			for {
				m, err := r.FetchMessage(membersCtx)
				if err != nil {
					return
				}
				if err := r.CommitMessages(membersCtx, m); err != nil && membersCtx.Err() == nil {
					t.Errorf("member %d: commit %d/%d: %v", member, m.Partition, m.Offset, err)
				}
				mu.Lock()
				seen[string(m.Key)]++
				if firstSeen[member] == 0 {
					firstSeen[member] = time.Since(start)
				}
				if firstSeen[0] != 0 && firstSeen[1] != 0 {
					activeOnce.Do(func() { close(bothActive) })
				}
				mu.Unlock()
			}
		})
	}

	w := NewWriter(cfg, topic)
	defer w.Close()
	deadline := time.After(10 * time.Second)
produce:
	for i := 0; ; i++ {
		key := fmt.Sprintf("doc-%04d", i)
		if err := w.WriteMessages(ctx, kafkago.Message{Key: []byte(key), Value: []byte("v")}); err != nil {
			t.Fatalf("write %s: %v", key, err)
		}
		written = append(written, key)
		select {
		case <-bothActive:
			break produce
		case <-deadline:
			t.Fatalf("after 10 s got first messages at %v, want both members active", firstSeen)
		case <-time.After(20 * time.Millisecond):
		}
	}

	// Wait until every written message was processed, then stop.
	waitUntil(t, 10*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, key := range written {
			if seen[key] == 0 {
				return false
			}
		}
		return true
	})
	stopMembers()
	wg.Wait()

	redelivered := 0
	for _, count := range seen {
		redelivered += count - 1
	}
	t.Logf("member first messages at %v and %v; %d messages, %d redelivered", firstSeen[0], firstSeen[1], len(written), redelivered)
}

// waitUntil polls cond every 10 ms and fails the test after limit.
func waitUntil(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met after %v", limit)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
