package kafkatest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"github.com/finx-dev/finx/connectors/blob"
	"github.com/finx-dev/finx/connectors/kafka"
	"github.com/finx-dev/finx/schemas"
)

// TestBlobStoreDecodeReasons checks that the errors of *blob.Store map to
// the dead-letter reasons of kafka.DecodeFiling, since the kafka package
// classifies them without importing blob.
func TestBlobStoreDecodeReasons(t *testing.T) {
	var (
		_ kafka.BlobPutter = (*blob.Store)(nil)
		_ kafka.BlobGetter = (*blob.Store)(nil)
	)
	content := bytes.Repeat([]byte("Liquidity and Capital Resources. "), 1000)
	const limit = 1024

	cases := []struct {
		name   string
		damage func(path string) error
		want   string
	}{
		{"intact", func(string) error { return nil }, ""},
		{"file removed", os.Remove, kafka.ReasonBlobMissing},
		{"file changed", func(path string) error {
			if err := os.Chmod(path, 0o644); err != nil {
				return err
			}
			return os.WriteFile(path, bytes.ToUpper(content), 0o644)
		}, kafka.ReasonBlobCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			store, err := blob.New(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			f := schemas.Filing{SourcePath: "testdata/10-k.htm", MediaType: schemas.MediaHTML}
			msg, err := kafka.EncodeFiling(ctx, f, content, limit, store)
			if err != nil {
				t.Fatalf("EncodeFiling: %v", err)
			}
			path, err := store.Path(blob.Ref(content))
			if err != nil {
				t.Fatal(err)
			}
			if err := c.damage(path); err != nil {
				t.Fatalf("damage %s: %v", path, err)
			}

			_, got, err := kafka.DecodeFiling(ctx, msg, store)
			if c.want == "" {
				if err != nil {
					t.Fatalf("DecodeFiling: %v", err)
				}
				if !bytes.Equal(got, content) {
					t.Fatalf("got %d bytes, want %d", len(got), len(content))
				}
				return
			}
			var de *kafka.DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("got %v, want *kafka.DecodeError", err)
			}
			if de.Reason() != c.want {
				t.Errorf("got reason %s, want %s (error: %v)", de.Reason(), c.want, err)
			}
			if de.Temporary() {
				t.Errorf("got Temporary() true for %s, want false", c.want)
			}
		})
	}
}
