// A small C API over Debian's simdjson (libsimdjson-dev 3.0.1), called from Swift.
//
// Parsing uses simdjson's DOM front end, which lives in the shared library and picks its
// kernel (icelake / haswell / westmere / fallback) at run time for the CPU it runs on. The
// On-Demand front end is not used: it is compiled into this shim from the header and would
// run the generic `fallback` kernel unless the shim were built with -mavx2 and friends,
// which a portable build cannot assume.
//
// A successful parse is flattened into a preorder node array, read straight off simdjson's
// tape: strings and keys point at their unescaped bytes in simdjson's string buffer, numbers
// at their source lexeme in the input (nothing is copied); Swift reads the array in place
// or materialises it in one pass. A failed parse returns simdjson's
// error code plus the byte offset of the first offending byte, found by a strict scalar
// pass that runs only on the error path.
#ifndef SLATE_CSIMDJSON_H
#define SLATE_CSIMDJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes that must be readable (any value) past the end of every input.
#define SLATE_JSON_PADDING 64

typedef enum {
  SLATE_NODE_NULL = 0,
  SLATE_NODE_FALSE = 1,
  SLATE_NODE_TRUE = 2,
  SLATE_NODE_NUMBER = 3,   // text = lexeme as written
  SLATE_NODE_STRING = 4,   // text = unescaped UTF-8
  SLATE_NODE_ARRAY = 5,    // count = elements; the elements' subtrees follow
  SLATE_NODE_OBJECT = 6,   // count = members; each member is a KEY node, then the value's subtree
  SLATE_NODE_KEY = 7,      // text = unescaped key
} slate_node_kind;

typedef struct {
  uint32_t kind;          // slate_node_kind
  uint32_t count;         // ARRAY / OBJECT: number of elements / members
  const uint8_t *text;    // NUMBER / STRING / KEY: the first byte of the text (NULL otherwise)
  uint32_t text_length;   // NUMBER / STRING / KEY: bytes of the text
  uint32_t subtree_end;   // index one past the node's last descendant
} slate_json_node;

/// Slate's own classification of a syntax error (stable; Swift maps it to `json.*` codes).
typedef enum {
  SLATE_SYNTAX_NONE = 0,
  SLATE_SYNTAX_UNEXPECTED_BYTE = 1,
  SLATE_SYNTAX_INVALID_UTF8 = 2,
  SLATE_SYNTAX_INVALID_ESCAPE = 3,
  SLATE_SYNTAX_INVALID_NUMBER = 4,
  SLATE_SYNTAX_DEPTH_EXCEEDED = 5,
  SLATE_SYNTAX_TRAILING_CONTENT = 6,
  SLATE_SYNTAX_TRUNCATED = 7,
  SLATE_SYNTAX_CONTROL_CHARACTER = 8,
  SLATE_SYNTAX_NUMBER_OUT_OF_RANGE = 9,
  SLATE_SYNTAX_CAPACITY = 10,
  SLATE_SYNTAX_EMPTY = 11,
} slate_syntax_reason;

typedef struct {
  int32_t simdjson_code;   // simdjson::error_code (0 = SUCCESS)
  int32_t reason;          // slate_syntax_reason
  uint64_t offset;         // byte offset of the first offending byte
} slate_json_error;

typedef struct slate_json_parser slate_json_parser;

/// A parser for documents up to `max_capacity` bytes and `max_depth` nesting levels: one
/// released earlier with the same limits when the pool holds one (it parses as a new one
/// does), else a new one. Returns NULL when memory cannot be had. Thread-safe.
slate_json_parser *slate_json_parser_create(size_t max_capacity, size_t max_depth);
/// Releases a parser: kept in a small pool for the next `slate_json_parser_create` with the
/// same limits (the 8 released last, each only while its buffers are small), else freed. Nothing
/// read from it stays valid. Thread-safe.
void slate_json_parser_destroy(slate_json_parser *parser);
/// How many released parsers the pool holds (for tests).
size_t slate_json_parser_pooled(void);
/// Whether `parser` came from the pool (for tests).
bool slate_json_parser_reused(const slate_json_parser *parser);

/// Parses `length` bytes at `bytes`; `bytes` must be readable for `length + SLATE_JSON_PADDING`.
/// Returns 0 on success (then the node array, and the texts it points at, are valid until
/// the next call and while `bytes` is: numbers point into it), else fills `error` and
/// returns simdjson's error code. O(length).
int32_t slate_json_parse(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                         slate_json_error *error);

/// A parsed document read in place: simdjson's tape (one 64-bit word per value, the type
/// character in the top 8 bits; see simdjson's doc/tape.md) and its string buffer. A
/// number's first word carries in its low 56 bits one past the offset of its lexeme from
/// `lexemes` once located (0 until then: `slate_json_locate_numbers`); a copy's numbers
/// are all located. A lexeme is followed by a byte that is not part of a number.
typedef struct {
  const uint64_t *tape;       // a live document's root value is at index 1; a copy's at 0
  const uint8_t *strings;     // '"' payload: offset of a 4-byte little-endian length, then the bytes
  const uint8_t *lexemes;     // the input (live), or the copy's texts
  slate_json_parser *parser;  // the live document's parser (locates numbers); NULL for a copy
} slate_json_document;

/// Parses like `slate_json_parse` (same limits, errors and offsets) without building the
/// node array: on success fills `document`, valid until the parser's next call and while
/// `bytes` is. O(length).
int32_t slate_json_parse_tape(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                              slate_json_error *error, slate_json_document *document);

/// A document description owned by the parser, at a fixed address for its lifetime (for a
/// caller that passes it to `slate_json_parse_tape` and keeps views of it). Zeroed at first.
slate_json_document *slate_json_parser_document(slate_json_parser *parser);

/// Writes the lexeme offsets into the number words of the document `slate_json_parse_tape`
/// returned last (once per document; later calls return at once). O(tape words).
void slate_json_locate_numbers(slate_json_parser *parser);

/// Flattens the value at tape index `index` into `nodes` (room for as many nodes as the
/// value has tape words), node indexes counting from 0. Returns the node count (0 only
/// when memory cannot be had). O(value's tape words).
size_t slate_json_flatten_value(const slate_json_document *document, size_t index, slate_json_node *nodes);

/// A copy of the value at tape index `index`, with its strings and lexemes, in one block
/// of its own (its root at index 0); free it with `slate_json_copy_free`. NULL when memory
/// cannot be had. O(value's tape words + texts).
slate_json_document *slate_json_copy_value(const slate_json_document *document, size_t index);
void slate_json_copy_free(slate_json_document *copy);

/// Validates only (no node array): same verdict and error as `slate_json_parse`.
int32_t slate_json_validate(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                            slate_json_error *error);

const slate_json_node *slate_json_nodes(const slate_json_parser *parser, size_t *count);

/// simdjson's message for an error code (static storage).
const char *slate_json_error_message(int32_t simdjson_code);
/// simdjson's name for an error code, e.g. "TAPE_ERROR" (static storage).
const char *slate_json_error_name(int32_t simdjson_code);

/// The kernel the DOM front end selected at run time for this CPU ("haswell", ...).
const char *slate_json_active_implementation(void);

/// Finds the first syntax error in `bytes` by RFC 8259 rules (strict UTF-8, escapes,
/// numbers, nesting deeper than `max_depth`). Returns SLATE_SYNTAX_NONE when the text is
/// valid; else fills `offset`. Needs no padding. O(length), iterative.
int32_t slate_json_locate_error(const uint8_t *bytes, size_t length, size_t max_depth,
                                uint64_t *offset);

#ifdef __cplusplus
}
#endif

#endif
