// Package rules is the offline, deterministic passes.Provider: it finds risk
// factor headings, reported figures and guidance with patterns and keyword
// tables, without network access or a clock, so that the same document always
// gives the same candidates. It is also the fallback of the LLM provider.
//
// # What it finds
//
//   - Risks: standalone heading lines of Item 1A followed by body text, and
//     the first sentence of bulleted risk paragraphs. Category and severity
//     come from keyword tables.
//   - Metrics: inline XBRL facts whose concept is in the metric taxonomy,
//     then table rows ("Net sales\t32,765" or "Net sales $ 32,765 $ 31,657")
//     and sentences ("net income ... was $44.2 million"). A row takes the
//     scale of the nearest "(in millions)" header, else of its table's
//     caption, else of its section heading's "(amounts in millions)" and
//     then is held for review. It takes the column of the latest year in
//     the header above it. A "three months ended" or "twelve months
//     ended" header also sets the period start, counted back from the end.
//   - Guidance: ranges and points in forward-looking sentences and in
//     outlook tables, with metric, basis, direction and prior values.
//
// # What it marks for review
//
// Candidates that a rule doubts get a confidence of 0.45, below the default
// accept threshold of passes.Config, so that they are needs_review. The
// rules for parts of the company, quarter columns and section scales also
// set the review reason qualified_metric, quarter_column or section_scale.
// Doubted are table figures without a scale header, with a period end after
// the latest XBRL fact, from segment or parent-company tables, or a plain
// "Net income" row where the filer also reports net income attributable to
// its stockholders.
// The columns of a geographic table that ends with "Worldwide" and of a
// table of quarters are marked too. So are sentence figures of a region,
// channel or segment ("Online revenue"); guidance that states a result, a
// comparison base or an effect ("$800 million lower depreciation"), plain
// dollars with cents for a company-level amount, values under a header of
// two period columns, a percentage that splits an amount ("80% to cost of
// sales"); risk headings over 400 bytes. Guidance clauses that state a past
// result or a comparison base ("compared to 2022 core EPS of $6.79") get a
// confidence of 0.1, under the default drop threshold, so the passes drop
// and count them. Figures in a forward-looking sentence or printed as a
// range are not read as reported metrics. Rows of equity statements,
// percent-of-revenue tables and restatement tables, and group titles such
// as "Risks Related to Our Business", are not returned at all.
//
// # Version
//
// Version names the rule set. The provider implements passes.Provenancer,
// so every item and result carries it as PromptVersion, with no model.
// Numbers are read with extractors/numfmt.
//
// The primary pass returns the strict matches. The recall pass returns the
// looser ones, minus the quotes already found: first sentences of bulleted
// risk paragraphs and sub-section titles, figures in sentences, and targets
// in sentences that follow a forward-looking one outside outlook sections.
//
// # Cost and cancellation
//
// The work grows linearly with the text. Each pattern scans the text once
// per pass: the period headers ("three months ended ...") and the scale
// headers ("(in millions)") are indexed once per request, and the lines
// above a table row are read once per document, so that a figure looks up
// its headers instead of scanning the 4000 bytes above it. Extract checks
// ctx before each chunk, every 256 lines or sentences, and between 32 KB
// segments of an index scan, and returns ctx.Err() when ctx ends.
//
// rules imports schemas, extractors/numfmt and extractors/passes for the
// request and candidate types.
package rules
