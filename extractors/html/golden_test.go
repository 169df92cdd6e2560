package html

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the parser output")

// TestFixtureTextGolden compares the whole text of the fixture with
// testdata/acme-10k-2026.golden; run with -update after an intended change.
func TestFixtureTextGolden(t *testing.T) {
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := Parse(context.Background(), "acme-10k-2026.htm", data)
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "acme-10k-2026.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(doc.Text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if doc.Text != string(want) {
		t.Errorf("text differs from %s (run go test -update and review the diff):\ngot:\n%s", golden, doc.Text)
	}
}
