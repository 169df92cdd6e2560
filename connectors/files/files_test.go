package files

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/finx-dev/finx/schemas"
)

func TestMediaType(t *testing.T) {
	cases := []struct {
		path    string
		content string
		want    string
	}{
		{"a.pdf", "%PDF-1.4\n", schemas.MediaPDF},
		{"a.pdf", "just text", schemas.MediaPDF},
		{"a.bin.htm", "%PDF-1.7", schemas.MediaPDF},
		{"a.htm", "<html><body><ix:header></ix:header></body></html>", schemas.MediaIXBRL},
		{"a.html", "<html><body>x</body></html>", schemas.MediaHTML},
		{"a.txt", "<SEC-DOCUMENT>", schemas.MediaText},
		{"empty.html", "", schemas.MediaHTML},
	}
	for _, c := range cases {
		t.Run(c.path+" "+c.want, func(t *testing.T) {
			if got := MediaType(c.path, []byte(c.content)); got != c.want {
				t.Errorf("MediaType(%q) = %q, want %q", c.path, got, c.want)
			}
		})
	}
}

func TestFormFromPath(t *testing.T) {
	cases := map[string]string{
		"pdf/AMAZON_2019_10K.pdf":             "10-K",
		"html/aapl-10-k-2024-11-01.html":      "10-K",
		"html/nvda-10-q-2025-08-27.html":      "10-Q",
		"8k/AMCOR_2023Q4_EARNINGS.pdf":        "8-K",
		"8k/BuckleInc.8-K.EX99.1.html":        "EX-99.1",
		"8k/1001426_8K_2006_000127528-06.txt": "8-K",
		"notes/readme.html":                   "",
	}
	for path, want := range cases {
		if got := FormFromPath(path); got != want {
			t.Errorf("FormFromPath(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestWalkAccountsForEveryFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.html", "<html><body>one</body></html>")
	write("sub/b.pdf", "%PDF-1.4")
	write("sub/copy.html", "<html><body>one</body></html>")
	write("notes.md", "# notes")
	write("empty.pdf", "")
	write(".hidden.html", "x")

	var got []string
	skipped, err := Walk(context.Background(), []string{dir}, Config{}, func(d Document) error {
		got = append(got, filepath.ToSlash(must(filepath.Rel(dir, d.Filing.SourcePath))))
		if d.Filing.Size != int64(len(d.Content)) {
			t.Errorf("%s: size %d, want %d", d.Filing.SourcePath, d.Filing.Size, len(d.Content))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"a.html", "empty.pdf", "sub/b.pdf"}
	if len(got) != len(want) {
		t.Fatalf("published %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("published[%d] = %q, want %q", i, got[i], want[i])
		}
	}
	if len(skipped) != 2 {
		t.Fatalf("skipped %v, want notes.md and the duplicate", skipped)
	}
}

func TestDescribeDocID(t *testing.T) {
	d := Describe("x.txt", []byte("abc"), time.Unix(0, 0))
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if d.Filing.DocID != want {
		t.Errorf("DocID = %s, want %s", d.Filing.DocID, want)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
