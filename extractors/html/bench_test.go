package html

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/finx-dev/finx/internal/testenv"
)

// BenchmarkParse measures the fixture, a synthetic inline XBRL document of
// about 2 MB built from it, and, when FINX_CORPUS is set, the corpus HTML.
func BenchmarkParse(b *testing.B) {
	fixture, err := os.ReadFile(fixturePath)
	if err != nil {
		b.Fatal(err)
	}
	bodyStart := bytes.Index(fixture, []byte("<p>UNITED STATES"))
	bodyEnd := bytes.Index(fixture, []byte("</body>"))
	var large bytes.Buffer
	large.Write(fixture[:bodyStart])
	for large.Len() < 2<<20 {
		large.Write(fixture[bodyStart:bodyEnd])
	}
	large.Write(fixture[bodyEnd:])

	run := func(b *testing.B, data []byte) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(context.Background(), "bench.htm", data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("fixture", func(b *testing.B) { run(b, fixture) })
	b.Run("synthetic-2MB", func(b *testing.B) { run(b, large.Bytes()) })
	b.Run("corpus", func(b *testing.B) {
		dir := testenv.Corpus(b)
		files, err := filepath.Glob(filepath.Join(dir, "html", "*.html"))
		if err != nil {
			b.Fatal(err)
		}
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(filepath.Base(file), func(b *testing.B) { run(b, data) })
		}
	})
}
