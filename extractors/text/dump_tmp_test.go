package text

import (
	"context"
	"fmt"
	"os"
	"testing"
)

func TestDumpTmp(t *testing.T) {
	f := os.Getenv("DUMP")
	if f == "" {
		t.Skip()
	}
	data, _ := os.ReadFile(f)
	doc, err := Parse(context.Background(), f, data)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("%+v\n%s", doc.Filing, doc.Text)
}
