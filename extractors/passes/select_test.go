package passes

import (
	"strings"
	"testing"

	"github.com/finx-dev/finx/schemas"
)

func TestSelectChunks(t *testing.T) {
	line := strings.Repeat("word ", 19) + "end.\n" // 100 bytes
	item1a := "Item 1A. Risk Factors\n" + strings.Repeat(line, 30)
	text := "Item 1. Business\n" + line + item1a + "Item 7. MD&A\n" + line
	doc := &schemas.Document{Text: text}
	secs := []schemas.Section{
		{ID: "item_1", Start: 0, End: strings.Index(text, "Item 1A.")},
		{ID: "item_1a", Start: strings.Index(text, "Item 1A."), End: strings.Index(text, "Item 7.")},
		{ID: "item_7", Start: strings.Index(text, "Item 7."), End: len(text)},
	}
	chunks := Select(doc, secs, KindRisk, 1000)
	if len(chunks) < 3 {
		t.Fatalf("chunks: got %d, want at least 3 for a 3 KB section cut at 1 KB", len(chunks))
	}
	var joined strings.Builder
	for i, c := range chunks {
		if len(c.Text) > 1000 {
			t.Errorf("chunk %d: got %d bytes, want at most 1000", i, len(c.Text))
		}
		if c.Section != "item_1a" {
			t.Errorf("chunk %d section: got %q, want item_1a", i, c.Section)
		}
		if text[c.Offset:c.End()] != c.Text {
			t.Errorf("chunk %d text is not Text[Offset:End]", i)
		}
		if i+1 < len(chunks) && !strings.HasSuffix(c.Text, "\n") {
			t.Errorf("chunk %d does not end at a line break", i)
		}
		joined.WriteString(c.Text)
	}
	if joined.String() != item1a {
		t.Error("chunks do not cover the section exactly")
	}
}

func TestSelectGuidanceWithoutItems(t *testing.T) {
	text := "Acme reported results.\nThe Company expects revenue of $5 million.\n"
	doc := &schemas.Document{Text: text}
	if got := Select(doc, nil, KindGuidance, 0); len(got) != 1 || got[0].Text != text {
		t.Errorf("release chunks: got %+v, want the whole text", got)
	}
	if got := Select(doc, nil, KindRisk, 0); len(got) != 0 {
		t.Errorf("risk chunks without Item 1A: got %+v, want none", got)
	}
	noForward := &schemas.Document{Text: "Acme reported results.\n"}
	if got := Select(noForward, nil, KindGuidance, 0); len(got) != 0 {
		t.Errorf("chunks without forward-looking words: got %+v, want none", got)
	}
}
