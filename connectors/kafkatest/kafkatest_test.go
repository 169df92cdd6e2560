package kafkatest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/schemas"
)

func TestStartPublishConsume(t *testing.T) {
	cfg := Start(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()

	blobs := NewBlobs()
	content := bytes.Repeat([]byte("<p>Total net sales</p>"), 40_000) // about 880 KB
	f := schemas.Filing{SourcePath: "testdata/large.htm", MediaType: schemas.MediaHTML}
	msg, err := kafka.EncodeFiling(ctx, f, content, cfg.InlineLimit, blobs)
	if err != nil {
		t.Fatalf("EncodeFiling: %v", err)
	}
	if blobs.Len() != 1 {
		t.Fatalf("got %d blobs, want 1 for content over the inline limit", blobs.Len())
	}

	w := kafka.NewWriter(cfg, kafka.TopicRaw)
	defer w.Close()
	if err := w.WriteMessages(ctx, msg); err != nil {
		t.Fatalf("write: %v", err)
	}
	r := kafka.NewReader(cfg, "kafkatest", kafka.TopicRaw)
	defer r.Close()
	got, err := r.FetchMessage(ctx)
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	_, data, err := kafka.DecodeFiling(ctx, got, blobs)
	if err != nil {
		t.Fatalf("DecodeFiling: %v", err)
	}
	if !bytes.Equal(data, content) {
		t.Fatalf("got %d bytes, want %d", len(data), len(content))
	}
	if err := r.CommitMessages(ctx, got); err != nil {
		t.Fatalf("commit: %v", err)
	}
}

func TestBlobsMissingAndDamaged(t *testing.T) {
	ctx := context.Background()
	b := NewBlobs()
	if _, err := b.Get(ctx, "sha256:"+strings.Repeat("0", 64)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v for a missing blob, want an error matching fs.ErrNotExist", err)
	}
	ref, err := b.Put(ctx, []byte("original"))
	if err != nil {
		t.Fatal(err)
	}
	b.Replace(ref, []byte("damaged"))
	got, err := b.Get(ctx, ref)
	if err != nil || string(got) != "damaged" {
		t.Fatalf("got %q, %v, want the replaced bytes", got, err)
	}
	b.Err = errors.New("disk failure")
	if _, err := b.Get(ctx, ref); !errors.Is(err, b.Err) {
		t.Fatalf("got %v, want the injected error", err)
	}
}
