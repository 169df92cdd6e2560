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
//     then table rows ("Net sales\t32,765") and sentences ("net income ...
//     was $44.2 million") with the scale of the nearest "(in millions)"
//     header and the period of the nearest "three months ended" header.
//   - Guidance: ranges and points in forward-looking sentences and in
//     outlook tables, with metric, basis, direction and prior values.
//
// The primary pass returns the strict matches. The recall pass returns the
// looser ones (bulleted risk paragraphs, figures in sentences, guidance
// points without a forward-looking verb inside outlook sections), which run
// only when asked, minus the quotes already found.
//
// rules imports schemas and extractors/passes for the request and candidate
// types.
package rules
