package pdf

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestFixtureMatchesPdftotext compares the words of the fixture with those
// of poppler's pdftotext, when it is installed. The order may differ in
// tables, so the words are compared as sorted lists.
func TestFixtureMatchesPdftotext(t *testing.T) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext is not installed (Debian package poppler-utils)")
	}
	path := filepath.Join("..", "..", "fixtures", "pdf", "quarterly_report.pdf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	doc := parseBytes(t, data)
	want := strings.Fields(string(out))
	got := strings.Fields(doc.Text)
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("got %d words, pdftotext %d; first difference at sorted index %d", len(got), len(want), firstDifference(got, want))
	}
	if got, want := strings.Count(doc.Text, "\f"), strings.Count(string(out), "\f")-1; got != want {
		t.Errorf("got %d form feeds, pdftotext %d page breaks", got, want)
	}
}

func firstDifference(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
