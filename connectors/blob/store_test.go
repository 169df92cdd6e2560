package blob

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestStoreRoundTrip(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		data []byte
	}{
		{"empty", []byte{}},
		{"short", []byte("net sales increased")},
		{"two megabytes", bytes.Repeat([]byte("0123456789abcdef"), 128*1024)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			ref, err := s.Put(ctx, c.data)
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			if want := Ref(c.data); ref != want {
				t.Fatalf("got ref %s, want %s", ref, want)
			}
			digest := strings.TrimPrefix(ref, "sha256:")
			wantPath := filepath.Join(s.Dir(), "sha256", digest[:2], digest)
			if _, err := os.Stat(wantPath); err != nil {
				t.Fatalf("blob file %s: %v", wantPath, err)
			}
			got, err := s.Get(ctx, ref)
			if err != nil {
				t.Fatalf("Get: %v", err)
			}
			if !bytes.Equal(got, c.data) {
				t.Fatalf("got %d bytes back, want the %d bytes put", len(got), len(c.data))
			}
		})
	}
}

func TestStorePutIdempotent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	data := []byte("same content twice")
	ref1, err := s.Put(ctx, data)
	if err != nil {
		t.Fatalf("first Put: %v", err)
	}
	ref2, err := s.Put(ctx, data)
	if err != nil {
		t.Fatalf("second Put: %v", err)
	}
	if ref1 != ref2 {
		t.Fatalf("got refs %s and %s, want equal", ref1, ref2)
	}
	assertNoTempFiles(t, s.Dir())
}

func TestStoreGetMissing(t *testing.T) {
	s := newStore(t)
	ref := Ref([]byte("never stored"))
	_, err := s.Get(context.Background(), ref)
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want an error matching fs.ErrNotExist", err)
	}
}

func TestStoreInvalidRef(t *testing.T) {
	s := newStore(t)
	refs := []string{
		"",
		"md5:0123",
		"sha256:",
		"sha256:" + strings.Repeat("A", 64),
		"sha256:" + strings.Repeat("a", 63),
		"sha256:../../" + strings.Repeat("a", 58),
	}
	for _, ref := range refs {
		t.Run(ref, func(t *testing.T) {
			if _, err := s.Get(context.Background(), ref); !errors.Is(err, ErrInvalidRef) {
				t.Fatalf("Get(%q): got %v, want ErrInvalidRef", ref, err)
			}
		})
	}
}

func TestStoreCorruptDetected(t *testing.T) {
	cases := []struct {
		name   string
		damage func(path string) error
	}{
		{"flipped byte", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			b[len(b)/2] ^= 0xff
			return writeOver(path, b)
		}},
		{"truncated", func(path string) error {
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			return writeOver(path, b[:len(b)-1])
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			data := []byte("quarterly revenue of 1,234 million")
			ref, err := s.Put(ctx, data)
			if err != nil {
				t.Fatalf("Put: %v", err)
			}
			path, err := s.Path(ref)
			if err != nil {
				t.Fatalf("Path: %v", err)
			}
			if err := c.damage(path); err != nil {
				t.Fatalf("damage %s: %v", path, err)
			}

			_, err = s.Get(ctx, ref)
			var ce *CorruptError
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want *CorruptError", err)
			}
			if ce.Ref != ref {
				t.Errorf("got CorruptError.Ref %s, want %s", ce.Ref, ref)
			}

			// Putting the content again repairs the damaged copy.
			if _, err := s.Put(ctx, data); err != nil {
				t.Fatalf("repair Put: %v", err)
			}
			got, err := s.Get(ctx, ref)
			if err != nil {
				t.Fatalf("Get after repair: %v", err)
			}
			if !bytes.Equal(got, data) {
				t.Fatalf("got %q after repair, want %q", got, data)
			}
		})
	}
}

// writeOver replaces a read-only blob file, as damage on disk would.
func writeOver(path string, b []byte) error {
	if err := os.Chmod(path, 0o644); err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}

func TestStoreConcurrentPutSameContent(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	data := bytes.Repeat([]byte("concurrent "), 100_000)
	want := Ref(data)

	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	refs := make(chan string, writers)
	for range writers {
		wg.Go(func() {
			ref, err := s.Put(ctx, data)
			if err != nil {
				errs <- err
				return
			}
			refs <- ref
		})
	}
	wg.Wait()
	close(errs)
	close(refs)
	for err := range errs {
		t.Errorf("Put: %v", err)
	}
	for ref := range refs {
		if ref != want {
			t.Errorf("got ref %s, want %s", ref, want)
		}
	}

	got, err := s.Get(ctx, want)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("got %d bytes, want %d", len(got), len(data))
	}
	assertNoTempFiles(t, s.Dir())
}

func TestStoreCanceledContext(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Put: got %v, want context.Canceled", err)
	}
	if _, err := s.Get(ctx, Ref([]byte("x"))); !errors.Is(err, context.Canceled) {
		t.Errorf("Get: got %v, want context.Canceled", err)
	}
}

func assertNoTempFiles(t *testing.T, dir string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", path)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
}
