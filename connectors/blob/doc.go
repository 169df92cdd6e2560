// Package blob is a content-addressed store on the local file system for
// filings too large to travel inline in a Kafka message.
//
// A blob's reference is "sha256:<hex>", the lowercase hex SHA-256 of its
// bytes, and the blob lives in <dir>/sha256/<first two hex digits>/<hex>.
// Put writes to a temporary file in the same directory and renames it into
// place, so readers never see a partial blob and concurrent writers of the
// same content are safe. Get hashes what it reads and rejects bytes that do
// not match the reference.
//
// # Errors
//
// Get returns an error matching [ErrNotFound] (and fs.ErrNotExist) for an
// unknown reference, a *[CorruptError] when the stored bytes do not hash to
// the reference, and [ErrInvalidRef] for a malformed reference. Consumers
// that must not import this package can classify errors through
// errors.Is(err, fs.ErrNotExist) and the Corrupt() bool method.
//
// # Imports
//
// blob imports only the standard library. It does not import the kafka
// connector, which declares the BlobPutter and BlobGetter interfaces that
// *Store satisfies.
package blob
