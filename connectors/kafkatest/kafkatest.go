package kafkatest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/kafka"
)

// startTimeout bounds starting the broker and creating the topics.
const startTimeout = 10 * time.Second

// Start starts an embedded broker for one test, creates the given topics, or
// every finx topic when none are given, and returns a Config with defaults
// pointing at the broker. The broker stops when the test ends. A nil logger
// discards the logs.
func Start(t testing.TB, logger *slog.Logger, topics ...string) kafka.Config {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	e, err := kafka.StartEmbedded(ctx, logger)
	if err != nil {
		t.Fatalf("kafkatest: %v", err)
	}
	t.Cleanup(e.Close)
	cfg := kafka.Config{Brokers: e.Addrs(), Logger: logger}.WithDefaults()
	if err := kafka.EnsureTopics(ctx, cfg, topics...); err != nil {
		t.Fatalf("kafkatest: %v", err)
	}
	return cfg
}

// Blobs is an in-memory blob store with the error contract of
// kafka.BlobGetter. Tests may change Blobs.Err or the stored bytes to make
// Get fail.
type Blobs struct {
	mu    sync.Mutex
	blobs map[string][]byte
	// Err, when set, is returned by every Get.
	Err error
}

// NewBlobs returns an empty store.
func NewBlobs() *Blobs { return &Blobs{blobs: make(map[string][]byte)} }

// Put stores a copy of data under "sha256:<hex>".
func (b *Blobs) Put(ctx context.Context, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	ref := "sha256:" + hex.EncodeToString(sum[:])
	b.mu.Lock()
	defer b.mu.Unlock()
	b.blobs[ref] = bytes.Clone(data)
	return ref, nil
}

// Get returns a copy of the stored bytes without checking their hash, or an
// error matching fs.ErrNotExist.
func (b *Blobs) Get(ctx context.Context, ref string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Err != nil {
		return nil, b.Err
	}
	data, ok := b.blobs[ref]
	if !ok {
		return nil, fmt.Errorf("kafkatest: blob %s: %w", ref, fs.ErrNotExist)
	}
	return bytes.Clone(data), nil
}

// Replace overwrites the bytes stored under ref, to simulate damage.
func (b *Blobs) Replace(ref string, data []byte) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.blobs[ref] = bytes.Clone(data)
}

// Len returns the number of stored blobs.
func (b *Blobs) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.blobs)
}

var (
	_ kafka.BlobPutter = (*Blobs)(nil)
	_ kafka.BlobGetter = (*Blobs)(nil)
)
