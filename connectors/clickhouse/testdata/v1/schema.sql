CREATE DATABASE IF NOT EXISTS finx;

CREATE TABLE IF NOT EXISTS finx.risks
(
    doc_id String,
    id String,
    heading String,
    category String,
    severity String,
    severity_reason String,
    section String,
    body_start UInt64,
    body_end UInt64,
    quote String,
    quote_start UInt64,
    quote_end UInt64,
    quote_char_start UInt64,
    quote_char_end UInt64,
    quote_page UInt32,
    quote_source_offset Int64,
    quote_match String,
    status String,
    review_reason String,
    confidence Float64,
    provider String,
    extracted_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (doc_id, id);

CREATE TABLE IF NOT EXISTS finx.metrics
(
    doc_id String,
    id String,
    metric String,
    label String,
    concept String,
    value Nullable(Decimal(38, 6)),
    value_text String,
    display String,
    scale Int32,
    unit String,
    currency String,
    period_type String,
    period_start String,
    period_end String,
    dimensions Array(String),
    source String,
    xbrl_check String,
    quote String,
    quote_start UInt64,
    quote_end UInt64,
    quote_char_start UInt64,
    quote_char_end UInt64,
    quote_page UInt32,
    quote_source_offset Int64,
    quote_match String,
    status String,
    review_reason String,
    confidence Float64,
    provider String,
    extracted_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (doc_id, id);

CREATE TABLE IF NOT EXISTS finx.guidance
(
    doc_id String,
    id String,
    metric String,
    label String,
    period String,
    low Nullable(Decimal(38, 6)),
    low_text String,
    high Nullable(Decimal(38, 6)),
    high_text String,
    scale Int32,
    unit String,
    currency String,
    basis String,
    direction String,
    prior_low Nullable(Decimal(38, 6)),
    prior_low_text String,
    prior_high Nullable(Decimal(38, 6)),
    prior_high_text String,
    quote String,
    quote_start UInt64,
    quote_end UInt64,
    quote_char_start UInt64,
    quote_char_end UInt64,
    quote_page UInt32,
    quote_source_offset Int64,
    quote_match String,
    status String,
    review_reason String,
    confidence Float64,
    provider String,
    extracted_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (doc_id, id);

CREATE TABLE IF NOT EXISTS finx.filings
(
    doc_id String,
    source_path String,
    media_type String,
    form String,
    company String,
    cik String,
    accession String,
    filing_date String,
    size UInt64,
    blob_ref String,
    published_at DateTime('UTC'),
    pages UInt32,
    pages_with_text UInt32,
    sections Array(String),
    section_titles Array(String),
    risk_count UInt32,
    metric_count UInt32,
    guidance_count UInt32,
    citations_checked UInt32,
    citations_verified UInt32,
    rejected UInt32,
    text_bytes UInt64,
    duration_ms UInt64,
    warnings Array(String),
    provider String,
    schema_version UInt16,
    extracted_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY doc_id;

CREATE TABLE IF NOT EXISTS finx.dead_letters
(
    doc_id String,
    id String,
    source_path String,
    stage String,
    reason String,
    error String,
    kafka_topic String,
    kafka_partition Int32,
    kafka_offset Int64,
    attempts UInt32,
    schema_version UInt16,
    failed_at DateTime('UTC'),
    version UInt64
)
ENGINE = ReplacingMergeTree(version)
ORDER BY (doc_id, id);

CREATE VIEW IF NOT EXISTS finx.latest_risks AS
SELECT
    doc_id,
    id,
    latest.1 AS heading,
    latest.2 AS category,
    latest.3 AS severity,
    latest.4 AS severity_reason,
    latest.5 AS section,
    latest.6 AS quote,
    latest.7 AS quote_page,
    latest.8 AS status,
    latest.9 AS confidence,
    latest.10 AS provider,
    latest.11 AS extracted_at,
    latest_version
FROM
(
    SELECT
        doc_id,
        id,
        argMax(tuple(heading, category, severity, severity_reason, section, quote, quote_page, status, confidence, provider, extracted_at), version) AS latest,
        max(version) AS latest_version
    FROM finx.risks
    GROUP BY doc_id, id
);
