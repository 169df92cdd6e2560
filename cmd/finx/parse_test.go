package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/finx-dev/finx/extractors/pdf/pdftest"
	"github.com/finx-dev/finx/schemas"
)

func TestParsePDFPagesSeparated(t *testing.T) {
	courier := pdftest.Font{Name: "F1", BaseFont: "Courier", Widths: pdftest.Courier()}
	data := pdftest.Doc{Fonts: []pdftest.Font{courier}, Pages: []string{
		pdftest.Line("F1", 10, 72, 700, "first page"),
		pdftest.Line("F1", 10, 72, 700, "second page"),
	}}.Bytes()
	path := filepath.Join(t.TempDir(), "report.pdf")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := runParse(context.Background(), []string{path}, &stdout, &stderr); err != nil {
		t.Fatalf("parse: %v (%s)", err, stderr.String())
	}
	if got, want := stdout.String(), "first page\n\fsecond page\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestParseJSONSectionsAndWarnings(t *testing.T) {
	body := strings.Repeat("The company makes widgets and sells them to retailers in many countries. ", 12) + "\n"
	submission := "<SEC-DOCUMENT>\nACCESSION NUMBER:\t0000999999-26-000001\nCONFORMED SUBMISSION TYPE:\t10-K\n" +
		"COMPANY CONFORMED NAME:\tEXAMPLE WIDGETS INC\nCENTRAL INDEX KEY:\t0000999999\n" +
		"<DOCUMENT>\n<TYPE>10-K\n<SEQUENCE>1\n<FILENAME>ew10k.txt\n<TEXT>\n" +
		"Item 1. Business\n" + body +
		"Item 7. Management's Discussion and Analysis\n" + body +
		"</TEXT>\n</DOCUMENT>\n</SEC-DOCUMENT>\n"

	path := filepath.Join(t.TempDir(), "0000999999-26-000001.txt")
	if err := os.WriteFile(path, []byte(submission), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := runParse(context.Background(), []string{"--json", path}, &stdout, &stderr); err != nil {
		t.Fatalf("parse --json: %v (%s)", err, stderr.String())
	}
	var doc schemas.Document
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("output is not a document: %v", err)
	}

	ids := map[string]bool{}
	for _, s := range doc.Sections {
		ids[s.ID] = true
	}
	for _, id := range []string{"document_10_k", "item_1", "item_7"} {
		if !ids[id] {
			t.Errorf("sections %+v: no %s", doc.Sections, id)
		}
	}
	if !strings.Contains(strings.Join(doc.Warnings, "\n"), "has no Item 1A") {
		t.Errorf("warnings %q: want one for the missing Item 1A", doc.Warnings)
	}
}

func TestParseJSONTablesAndFacts(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := runParse(context.Background(), []string{"--json", "../../fixtures/html/acme-10k-2026.htm"}, &stdout, &stderr); err != nil {
		t.Fatalf("parse --json: %v (%s)", err, stderr.String())
	}
	if !json.Valid(stdout.Bytes()) {
		t.Fatalf("output is not valid JSON")
	}
	var doc schemas.Document
	if err := json.Unmarshal(stdout.Bytes(), &doc); err != nil {
		t.Fatalf("output is not a document: %v", err)
	}

	if len(doc.Tables) != 2 {
		t.Fatalf("got %d tables, want 2", len(doc.Tables))
	}
	statement := doc.Tables[1]
	if got, want := statement.Caption, "(in millions, except per-share amounts)"; got != want {
		t.Errorf("caption: got %q, want %q", got, want)
	}
	if len(statement.Rows) < 2 || len(statement.Rows[1].Cells) != 2 {
		t.Fatalf("statement rows %+v: want a label and a figure in row 2", statement.Rows)
	}
	cell := statement.Rows[1].Cells[1]
	if cell.Text != "$ 1,284.6" || doc.Text[cell.Start:cell.End] != cell.Text {
		t.Errorf("net sales cell: got %q at [%d,%d), want %q at its span", cell.Text, cell.Start, cell.End, "$ 1,284.6")
	}

	var revenue *schemas.Fact
	for i := range doc.Facts {
		if doc.Facts[i].Concept == "us-gaap:Revenues" {
			revenue = &doc.Facts[i]
		}
	}
	if revenue == nil {
		t.Fatalf("facts %d: no us-gaap:Revenues", len(doc.Facts))
	}
	if revenue.Value != "1284600000" || revenue.Start < cell.Start || revenue.End > cell.End {
		t.Errorf("revenue fact: got value %s at [%d,%d), want 1284600000 inside the cell [%d,%d)", revenue.Value, revenue.Start, revenue.End, cell.Start, cell.End)
	}
	if len(doc.Segments) == 0 || doc.SourceOffset(cell.Start) < 0 {
		t.Errorf("got %d segments, want a source map that covers the cell", len(doc.Segments))
	}
}

func TestParseRefusesFIFO(t *testing.T) {
	path := filepath.Join(t.TempDir(), "pipe.htm")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		var stdout, stderr bytes.Buffer
		done <- run(context.Background(), []string{"parse", path}, &stdout, &stderr)
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("got %v, want an error saying the FIFO is not a regular file", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("finx parse on a FIFO did not return within 10 s")
	}
}
