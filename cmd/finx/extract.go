package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/finx-dev/finx/connectors/files"

	"github.com/finx-dev/finx/extractors/html"
	"github.com/finx-dev/finx/extractors/llm"
	"github.com/finx-dev/finx/extractors/passes"
	"github.com/finx-dev/finx/extractors/pdf"
	"github.com/finx-dev/finx/extractors/rules"
	"github.com/finx-dev/finx/extractors/sections"
	"github.com/finx-dev/finx/extractors/text"
	"github.com/finx-dev/finx/pipeline"
	"github.com/finx-dev/finx/schemas"
)

var (
	_ passes.Provider = (*rules.Provider)(nil)
	_ passes.Provider = (*llm.Provider)(nil)
)

// newExtractor returns the extract stage's work: parse, find sections, run
// the passes with the named provider. hist, when not nil, holds each
// company's earlier filings, against which risks and guidance are compared.
func newExtractor(provider providerFlags, logger *slog.Logger, hist passes.History) (pipeline.Extractor, passes.Provider, error) {
	p, cfg, err := newProviderFlags(provider, logger)
	if err != nil {
		return nil, nil, err
	}
	cfg.History = hist
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	return func(ctx context.Context, f schemas.Filing, content []byte) (*schemas.Result, error) {
		_, res, err := extractDocument(ctx, f, content, p, cfg)
		return res, err
	}, p, nil
}

// extractDocument parses content, finds its sections and runs the passes. It
// also returns the parsed document, whose text the citations point into.
func extractDocument(ctx context.Context, f schemas.Filing, content []byte, p passes.Provider, cfg passes.Config) (*schemas.Document, *schemas.Result, error) {
	doc, err := parseDocument(ctx, f, content)
	if err != nil {
		return nil, nil, err
	}
	// A document with no text (a scanned PDF, an empty page tree) would
	// load as an empty success and hide that nothing was read.
	if strings.TrimSpace(doc.Text) == "" {
		return nil, nil, &noTextError{path: f.SourcePath, warnings: doc.Warnings}
	}
	doc.Sections, err = sections.FindContext(ctx, doc)
	if err != nil {
		return nil, nil, err
	}
	doc.Warnings = append(doc.Warnings, sections.Check(doc, doc.Sections)...)
	res, err := passes.Run(ctx, doc, p, cfg)
	return doc, res, err
}

// parseDocument parses content by media type and fills the envelope. The
// form that the document states replaces the envelope's, which without a
// sidecar is a guess from the file name. Company, CIK, accession and filing
// date from EDGAR, through the crawler or a .meta.json sidecar, win. The
// document's own statements fill the ones missing: the EDGAR header of a
// .txt submission, inline XBRL cover facts, the cover page's registrant
// name or a release's dateline.
func parseDocument(ctx context.Context, f schemas.Filing, content []byte) (*schemas.Document, error) {
	var doc *schemas.Document
	var err error
	switch f.MediaType {
	case schemas.MediaPDF:
		doc, err = pdf.Parse(ctx, f.SourcePath, content, pdf.Config{})
	case schemas.MediaHTML, schemas.MediaIXBRL:
		doc, err = html.Parse(ctx, f.SourcePath, content)
	case schemas.MediaText:
		doc, err = text.Parse(ctx, f.SourcePath, content)
	default:
		return nil, &unsupportedError{path: f.SourcePath, mediaType: f.MediaType}
	}
	if err != nil {
		return nil, err
	}
	stated := doc.Filing
	doc.Filing = f
	if stated.Form == "" {
		// The cover page or an EDGAR header line states the form when the
		// markup does not; either beats a guess from the file name.
		stated.Form = sections.Form(doc)
	}
	if stated.Form != "" {
		doc.Form = stated.Form
	}
	// The registrant name and CIK that the cover page, its inline XBRL
	// facts or a release's dateline state fill what the parser left empty.
	// ReadCover reads doc.Form, so it runs after the form is settled.
	cover := sections.ReadCover(doc)
	if stated.Company == "" {
		stated.Company = cover.Company
	}
	if stated.CIK == "" {
		stated.CIK = cover.CIK
	}
	if stated.PeriodEnd == "" {
		stated.PeriodEnd = cover.PeriodEnd
	}
	// The HTML parser finds inline XBRL elements that the file source's
	// sniffing, which reads only tag names, may have missed.
	if stated.MediaType == schemas.MediaIXBRL {
		doc.MediaType = stated.MediaType
	}
	for _, kv := range []struct {
		dst *string
		src string
	}{
		{&doc.Company, stated.Company}, {&doc.CIK, stated.CIK},
		{&doc.Accession, stated.Accession}, {&doc.FilingDate, stated.FilingDate},
		{&doc.PeriodEnd, stated.PeriodEnd},
	} {
		// EDGAR lists a filing under its filer's CIK, while a combined
		// filing's cover page may state a co-registrant's first.
		if *kv.dst == "" {
			*kv.dst = kv.src
		}
	}
	return doc, nil
}

type noTextError struct {
	path     string
	warnings []string
}

func (e *noTextError) Error() string {
	msg := e.path + ": no text found (a scanned document without a text layer needs OCR first)"
	if len(e.warnings) > 0 {
		msg += "; parser warnings: " + strings.Join(e.warnings, "; ")
	}
	return msg
}

func (e *noTextError) Reason() string { return "no_text" }

type unsupportedError struct{ path, mediaType string }

func (e *unsupportedError) Error() string {
	return fmt.Sprintf("%s: unsupported media type %q", e.path, e.mediaType)
}

func (e *unsupportedError) Reason() string { return "unsupported_media_type" }

func describe(path string, content []byte) schemas.Filing {
	return files.Describe(path, content, time.Now().UTC()).Filing
}

func findSections(doc *schemas.Document) []schemas.Section { return sections.Find(doc) }
