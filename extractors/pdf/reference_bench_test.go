package pdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/finx-dev/finx/internal/testenv"
)

// BenchmarkCorpusVsPdftotext parses each corpus PDF with finx and with
// poppler's pdftotext (the reference tool, run as a process, as a user would
// run it), so that the two sub-benchmarks of a file give the speed ratio.
//
//	FINX_CORPUS=../shared/corpus go test -run '^$' -bench CorpusVsPdftotext ./extractors/pdf/
func BenchmarkCorpusVsPdftotext(b *testing.B) {
	corpus := testenv.Corpus(b)
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		b.Skip("pdftotext not installed (Debian package poppler-utils)")
	}
	files, err := filepath.Glob(filepath.Join(corpus, "*", "*.pdf"))
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		name := filepath.Base(path)
		b.Run("finx/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(context.Background(), name, data, Config{}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("pdftotext/"+name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if out, err := exec.Command(pdftotext, "-q", path, "-").Output(); err != nil || len(out) == 0 {
					b.Fatalf("pdftotext %s: %v", name, err)
				}
			}
		})
	}
}
