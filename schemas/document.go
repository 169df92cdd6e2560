package schemas

import "sort"

// Document is a parsed filing: its text, where each part of the text came
// from, its sections and its inline XBRL facts. Parsers fill it; the passes
// read it and never change Text.
type Document struct {
	Filing
	// Text is the parsed text. PDF pages are separated by a form feed (\f).
	Text string `json:"text"`
	// Pages are the PDF pages in order; empty for HTML and text documents.
	Pages []Page `json:"pages,omitempty"`
	// PagesWithText counts PDF pages that have a text layer.
	PagesWithText int       `json:"pages_with_text"`
	Sections      []Section `json:"sections,omitempty"`
	Facts         []Fact    `json:"facts,omitempty"`
	// Tables are the tables found in the text, as rows of cells.
	Tables []Table `json:"tables,omitempty"`
	// Warnings are problems that did not stop the parse, such as pages with
	// no text layer or a PDF page whose content could not be read.
	Warnings []string `json:"warnings,omitempty"`
	// Segments map Text back to byte offsets in the source file (HTML and
	// text); sorted by TextStart, non-overlapping.
	Segments []Segment `json:"segments,omitempty"`
}

// Table is a table of the document: an HTML table, or rows of a PDF page
// whose positioned text lines up in columns.
type Table struct {
	// Start and End are the table's byte span in Document.Text.
	Start int `json:"start" jsonschema:"minimum=0"`
	End   int `json:"end" jsonschema:"minimum=0"`
	// Page is the 1-based PDF page; 0 when not a PDF.
	Page int `json:"page,omitempty" jsonschema:"minimum=0"`
	// Caption is the scale line printed with the table, such as
	// "(in millions, except per share data)"; empty when there is none.
	Caption string     `json:"caption,omitempty"`
	Rows    []TableRow `json:"rows"`
}

// TableRow is one row of a table.
type TableRow struct {
	Cells []TableCell `json:"cells"`
}

// TableCell is one non-empty cell: its text and its span in Document.Text.
type TableCell struct {
	Text  string `json:"text"`
	Start int    `json:"start" jsonschema:"minimum=0"`
	End   int    `json:"end" jsonschema:"minimum=0"`
}

// Page is one PDF page's span in Document.Text.
type Page struct {
	// Number is 1-based.
	Number  int  `json:"number" jsonschema:"minimum=1"`
	Start   int  `json:"start" jsonschema:"minimum=0"`
	End     int  `json:"end" jsonschema:"minimum=0"`
	HasText bool `json:"has_text"`
}

// Segment maps Text[TextStart:TextStart+Len] to source bytes starting at
// SourceStart. Within a segment the mapping is one to one, with no entities
// and no dropped markup. An entity such as &amp; gets a segment of its own
// whose text maps to the ampersand.
type Segment struct {
	TextStart   int   `json:"text_start"`
	SourceStart int64 `json:"source_start"`
	Len         int   `json:"len"`
}

// Section is a part of a filing found by its heading, such as Item 1A.
type Section struct {
	// ID is a stable key: "item_1a", "item_7", "outlook", "financial_statements".
	ID    string `json:"id" jsonschema:"minLength=1"`
	Title string `json:"title"`
	Start int    `json:"start" jsonschema:"minimum=0"`
	End   int    `json:"end" jsonschema:"minimum=0"`
	// Page is the 1-based PDF page where the section starts; 0 when not a PDF.
	Page int `json:"page,omitempty" jsonschema:"minimum=0"`
}

// Fact is one inline XBRL fact (ix:nonFraction or ix:nonNumeric).
type Fact struct {
	ID         string `json:"id,omitempty"`
	Concept    string `json:"concept" jsonschema:"minLength=1"`
	ContextRef string `json:"context_ref"`
	UnitRef    string `json:"unit_ref,omitempty"`
	// Unit is the resolved unit: "USD", "shares", "USD/shares", "pure".
	Unit string `json:"unit,omitempty"`
	// Value is the fact value in base units as an exact decimal
	// (displayed number × 10^scale, sign applied); empty for nil and text facts.
	Value string `json:"value,omitempty"`
	// Display is the number as printed in the document.
	Display  string `json:"display,omitempty"`
	Decimals string `json:"decimals,omitempty"`
	Scale    int    `json:"scale"`
	Negative bool   `json:"negative,omitempty"`
	Nil      bool   `json:"nil,omitempty"`
	Numeric  bool   `json:"numeric"`
	// Period: Instant for balance-sheet facts, else Start and End (ISO dates).
	Instant     string      `json:"instant,omitempty"`
	PeriodStart string      `json:"period_start,omitempty"`
	PeriodEnd   string      `json:"period_end,omitempty"`
	Dimensions  []Dimension `json:"dimensions,omitempty"`
	// Start and End locate the printed value in Document.Text.
	Start int `json:"start"`
	End   int `json:"end"`
	// SourceOffset is the byte offset of the fact's element in the source file.
	SourceOffset int64 `json:"source_offset"`
	// Duplicates counts the other facts with the same concept, context and
	// unit that were merged into this one.
	Duplicates int `json:"duplicates,omitempty"`
	// Inconsistent is set when a merged duplicate printed a different value.
	Inconsistent bool `json:"inconsistent,omitempty"`
}

// Dimension is one axis and member of an XBRL context or a segment.
type Dimension struct {
	Axis   string `json:"axis"`
	Member string `json:"member"`
}

// SourceOffset maps a byte offset in Text to a byte offset in the source
// file. It returns -1 when the document has no source map, or when the
// offset falls in text that the parser inserted, such as a newline between
// blocks.
func (d *Document) SourceOffset(textOffset int) int64 {
	i := sort.Search(len(d.Segments), func(i int) bool {
		return d.Segments[i].TextStart+d.Segments[i].Len > textOffset
	})
	if i == len(d.Segments) || d.Segments[i].TextStart > textOffset {
		return -1
	}
	s := d.Segments[i]
	return s.SourceStart + int64(textOffset-s.TextStart)
}

// PageAt returns the 1-based PDF page holding the text offset, or 0.
func (d *Document) PageAt(textOffset int) int {
	i := sort.Search(len(d.Pages), func(i int) bool { return d.Pages[i].End > textOffset })
	if i == len(d.Pages) || d.Pages[i].Start > textOffset {
		return 0
	}
	return d.Pages[i].Number
}

// Section returns the first section with the ID, or nil.
func (d *Document) Section(id string) *Section {
	for i := range d.Sections {
		if d.Sections[i].ID == id {
			return &d.Sections[i]
		}
	}
	return nil
}
