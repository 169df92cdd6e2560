package files

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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
	res, err := Walk(context.Background(), []string{dir}, Config{}, func(d Document) error {
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
	if len(res.Skipped) != 2 {
		t.Fatalf("skipped %v, want notes.md and the duplicate", res.Skipped)
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

func TestWalkLinksAndUnreadable(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.MkdirAll(filepath.Join(real, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(real, "a.html"), []byte("<html><body>a</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "target.htm"), []byte("<html><body>t</body></html>"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A link to a file is followed; a link back to a parent folder is not.
	if err := os.Symlink(filepath.Join(dir, "target.htm"), filepath.Join(real, "link.htm")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(real, "sub", "loop")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing.html"), filepath.Join(real, "dangling.html")); err != nil {
		t.Fatal(err)
	}
	rootLink := filepath.Join(dir, "rootlink")
	if err := os.Symlink(real, rootLink); err != nil {
		t.Fatal(err)
	}

	var got []string
	res, err := Walk(context.Background(), []string{rootLink}, Config{}, func(d Document) error {
		got = append(got, filepath.Base(d.Filing.SourcePath))
		if !strings.HasPrefix(d.Filing.SourcePath, rootLink) {
			t.Errorf("source path %s is not under the root as given, %s", d.Filing.SourcePath, rootLink)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	if strings.Join(got, ",") != "a.html,link.htm" {
		t.Errorf("published %v, want [a.html link.htm]", got)
	}
	if len(res.Unreadable) != 1 || filepath.Base(res.Unreadable[0].Path) != "dangling.html" {
		t.Errorf("unreadable %v, want the dangling link", res.Unreadable)
	}
}

func TestWalkMissingRoot(t *testing.T) {
	_, err := Walk(context.Background(), []string{filepath.Join(t.TempDir(), "nope")}, Config{}, func(Document) error { return nil })
	if err == nil {
		t.Fatal("Walk on a missing root returned nil, want an error")
	}
}

func TestWalkReadsSidecar(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("acme-ex991.htm", "<html><body>results</body></html>")
	write("acme-ex991.htm"+SidecarSuffix, `{"company":"Acme Widget Corp","cik":"0001234567","form":"EX-99.1","accession":"0001234567-24-000004","filing_date":"2024-01-25","period_end":"2023-12-30","source_url":"https://www.sec.gov/x.htm"}`)
	write("plain-10k.htm", "<html><body>annual</body></html>")
	write("orphan.htm"+SidecarSuffix, `{"form":"10-K"}`)
	write("broken.htm", "<html><body>broken</body></html>")
	write("broken.htm"+SidecarSuffix, `{"form":`)

	got := map[string]schemas.Filing{}
	res, err := Walk(context.Background(), []string{dir}, Config{}, func(d Document) error {
		got[filepath.Base(d.Filing.SourcePath)] = d.Filing
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("published %d documents (%v), want 2: sidecars are not documents", len(got), got)
	}
	f := got["acme-ex991.htm"]
	checks := []struct{ field, got, want string }{
		{"company", f.Company, "Acme Widget Corp"},
		{"cik", f.CIK, "0001234567"},
		{"form", f.Form, "EX-99.1"},
		{"accession", f.Accession, "0001234567-24-000004"},
		{"filing date", f.FilingDate, "2024-01-25"},
		{"period end", f.PeriodEnd, "2023-12-30"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.field, c.got, c.want)
		}
	}
	if f := got["plain-10k.htm"]; f.Form != "10-K" || f.Accession != "" {
		t.Errorf("document without a sidecar: got form %q accession %q, want 10-K from the name and no accession", f.Form, f.Accession)
	}
	if len(res.Skipped) != 1 || filepath.Base(res.Skipped[0].Path) != "orphan.htm"+SidecarSuffix {
		t.Errorf("skipped: got %v, want only the sidecar without a document", res.Skipped)
	}
	if len(res.Unreadable) != 1 || filepath.Base(res.Unreadable[0].Path) != "broken.htm" {
		t.Errorf("unreadable: got %v, want broken.htm with its invalid sidecar", res.Unreadable)
	}
}

func TestIsEDGARIndexPage(t *testing.T) {
	cases := []struct {
		name string
		want bool
	}{
		{"0000905729-24-000095-index-headers.html", true},
		{"0000905729-24-000095-index.htm", true},
		{"0000905729-24-000095-INDEX.HTML", true},
		{"aapl-20240928.htm", false},
		{"index.htm", false},
		{"ex99-index-fund.htm", false},
	}
	for _, c := range cases {
		if got := IsEDGARIndexPage(c.name); got != c.want {
			t.Errorf("IsEDGARIndexPage(%q): got %v, want %v", c.name, got, c.want)
		}
	}
}
