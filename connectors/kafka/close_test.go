package kafka

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	kafkago "github.com/segmentio/kafka-go"
)

func TestReaderCloseUnblocksFetch(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("close")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	r := NewReader(cfg, "close-group", topic)

	fetched := make(chan error, 1)
	go func() {
		_, err := r.FetchMessage(ctx)
		fetched <- err
	}()
	time.Sleep(200 * time.Millisecond) // let the reader join and wait on the empty topic
	start := time.Now()
	if err := r.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case err := <-fetched:
		if !errors.Is(err, io.EOF) {
			t.Fatalf("got %v from FetchMessage on a closed reader, want io.EOF", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("FetchMessage still blocked 2 s after Close")
	}
	t.Logf("Close returned and unblocked FetchMessage after %v", time.Since(start))

	// kafka-go v0.4.51 picks at random between queueing the commit and
	// reporting the closed reader, and a queued commit waits for ctx, so the
	// commit gets a short deadline here.
	commitCtx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	err := r.CommitMessages(commitCtx, kafkago.Message{Topic: topic})
	if !errors.Is(err, io.ErrClosedPipe) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v committing on a closed reader, want io.ErrClosedPipe or context.DeadlineExceeded", err)
	}
}

func TestWriterClosedRejectsWrites(t *testing.T) {
	cfg := startBroker(t)
	ctx := testContext(t)
	topic := uniqueTopic("closed-writer")
	if err := EnsureTopics(ctx, cfg, topic); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(cfg, topic)
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	err := w.WriteMessages(ctx, kafkago.Message{Key: []byte("k"), Value: []byte("v")})
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("got %v, want io.ErrClosedPipe", err)
	}
}

func TestWriteCanceledContext(t *testing.T) {
	cfg := startBroker(t)
	topic := uniqueTopic("canceled")
	if err := EnsureTopics(testContext(t), cfg, topic); err != nil {
		t.Fatal(err)
	}
	w := NewWriter(cfg, topic)
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := w.WriteMessages(ctx, kafkago.Message{Key: []byte("k"), Value: []byte("v")})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}
