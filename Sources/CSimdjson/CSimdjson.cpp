// The simdjson side of the shim: DOM parse; the tape read in place (numbers located on
// demand, copies), or flattened into a preorder node array.
// See include/CSimdjson.h for the contract.
#include "CSimdjson.h"

#include <simdjson.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

struct slate_json_parser {
  simdjson::dom::parser dom;
  size_t max_depth;
  // The document size limit, checked here: simdjson allocates at least
  // MINIMAL_DOCUMENT_CAPACITY (32) bytes for any document and refuses every document when
  // its own maximum is below that, so its maximum is never set lower.
  size_t max_bytes;
  // simdjson refuses a non-empty container at exactly `max_depth` levels, which the limit
  // (the strict locator's, counting every container) allows: such a document is parsed
  // again by this parser, allocated one level deeper on first need.
  std::unique_ptr<simdjson::dom::parser> deeper;
  // A copy of a document whose numbers simdjson cannot hold (an integer beyond 64 bits, a
  // real beyond a double), each such number replaced by a placeholder of the same length
  // (`0e00…`): simdjson parses the copy, the flattener reads every lexeme from the original.
  std::vector<uint8_t> substitute;
  // The node array (no more nodes than tape words): grown, never shrunk, never initialised
  // beyond what a parse writes.
  std::unique_ptr<slate_json_node[]> nodes;
  size_t node_capacity = 0;
  size_t node_count = 0;
  // The open containers while flattening (reused: no allocation per document once grown).
  struct open_container {
    uint32_t node;
    uint32_t count;
    bool is_object;
    bool expects_key;
  };
  std::vector<open_container> stack;
  // The document `slate_json_parse_tape` parsed last (read in place by Swift): the simdjson
  // parser holding its tape, its input (every number's lexeme is there, also when simdjson
  // parsed the substitute), and whether `locate_numbers` has written the lexemes' offsets
  // into the tape's number words yet.
  simdjson::dom::parser *tape_parser = nullptr;
  const uint8_t *tape_input = nullptr;
  bool numbers_located = false;
  // Where Swift's views of the document read it (`slate_json_parser_document`): a fixed
  // address for the parser's lifetime, that the caller of `slate_json_parse_tape` fills.
  slate_json_document document = {};
  // Whether the pool has handed this parser out again (for tests).
  bool reused = false;

  slate_json_parser(size_t capacity, size_t depth)
      : dom(std::max(capacity, simdjson::dom::MINIMAL_DOCUMENT_CAPACITY)), max_depth(depth), max_bytes(capacity) {}
};

namespace {

inline bool is_number_byte(uint8_t c) noexcept {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

// Where a number's lexeme starts, found by walking stage 1's structural indexes in step with
// the tape (every structural character and the first byte of every scalar; ',' and ':' have
// no tape word and are skipped). `value` is called for every value's first tape word in
// tape order, `close` for every closing word. Valid while `dom` holds the document.
struct structural_walk {
  const uint8_t *bytes;
  const uint32_t *index;
  uint32_t indexes;
  uint32_t next = 0;

  structural_walk(const simdjson::dom::parser &dom, const uint8_t *input)
      : bytes(input), index(dom.implementation->structural_indexes.get()),
        indexes(dom.implementation->n_structural_indexes) {}

  inline void skip_separators() noexcept {
    while (next < indexes && (bytes[index[next]] == ',' || bytes[index[next]] == ':')) { next++; }
  }
  inline void close() noexcept {
    skip_separators();
    next++;
  }
  inline const uint8_t *value(uint64_t) noexcept {
    skip_separators();
    const uint32_t first = next < indexes ? index[next] : 0;
    next++;
    return bytes + first;
  }
};

// A number's lexeme from its first tape word's payload, written there by
// `locate_numbers` or a copy: one past the lexeme's offset from `lexemes`.
struct located_numbers {
  const uint8_t *lexemes;
  inline void close() noexcept {}
  inline const uint8_t *value(uint64_t word) noexcept {
    const uint8_t type = uint8_t(word >> 56);
    if (type != 'l' && type != 'u' && type != 'd') { return nullptr; }
    return lexemes + size_t(word & simdjson::internal::JSON_VALUE_MASK) - 1;
  }
};

inline size_t lexeme_length(const uint8_t *start) noexcept {
  const uint8_t *stop = start;
  while (is_number_byte(*stop)) { stop++; }  // padding (or a copy's terminator) guarantees a stop
  return size_t(stop - start);
}

// Flattens tape words [begin, end) (whole values, in preorder as the tape is) into `nodes`:
// a container's word opens a node, its closing word closes it, a string is a KEY or a
// STRING node by its place in its object, a number (two words) a NUMBER node whose text is
// the lexeme `numbers` finds. Node indexes count from 0. Returns the node count.
// O(tape words); throws std::bad_alloc when the stack cannot grow.
template <typename Numbers>
size_t flatten_tape(const uint64_t *tape, size_t begin, size_t end, const uint8_t *strings, Numbers numbers,
                    slate_json_node *nodes, std::vector<slate_json_parser::open_container> &stack) {
  stack.clear();
  size_t count = 0;
  size_t i = begin;
  while (i < end) {
    const uint64_t word = tape[i];
    const uint8_t type = uint8_t(word >> 56);
    // Closing a container: no node of its own.
    if (type == '}' || type == ']') {
      numbers.close();
      const auto &top = stack.back();
      nodes[top.node].count = top.count;
      nodes[top.node].subtree_end = uint32_t(count);
      stack.pop_back();
      i++;
      continue;
    }
    uint32_t kind;
    bool is_key = false;
    if (!stack.empty()) {
      auto &top = stack.back();
      if (!top.is_object) {
        top.count++;
      } else if (top.expects_key) {
        top.count++;
        top.expects_key = false;
        is_key = true;
      } else {
        top.expects_key = true;
      }
    }
    const uint8_t *first = numbers.value(word);
    slate_json_node &node = nodes[count];
    node.count = 0;
    node.text = nullptr;
    node.text_length = 0;
    node.subtree_end = uint32_t(count + 1);
    switch (type) {
      case '"': {
        const size_t at = size_t(word & simdjson::internal::JSON_VALUE_MASK);
        uint32_t length;
        std::memcpy(&length, strings + at, sizeof(length));
        kind = is_key ? SLATE_NODE_KEY : SLATE_NODE_STRING;
        node.text = strings + at + sizeof(uint32_t);
        node.text_length = length;
        i++;
        break;
      }
      case 'l': case 'u': case 'd':
        kind = SLATE_NODE_NUMBER;
        node.text = first;
        node.text_length = uint32_t(lexeme_length(first));
        i += 2;
        break;
      case '{': case '[':
        kind = type == '{' ? SLATE_NODE_OBJECT : SLATE_NODE_ARRAY;
        stack.push_back({uint32_t(count), 0, type == '{', true});
        i++;
        break;
      case 't': kind = SLATE_NODE_TRUE; i++; break;
      case 'f': kind = SLATE_NODE_FALSE; i++; break;
      default: kind = SLATE_NODE_NULL; i++; break;  // 'n'
    }
    node.kind = kind;
    count++;
  }
  return count;
}

// Flattens the document `dom` holds into the parser's node array, each number's lexeme in
// `bytes` found by the structural walk. O(tape words); throws std::bad_alloc when the node
// array cannot grow.
void flatten(slate_json_parser &parser, const simdjson::dom::parser &dom, const uint8_t *bytes) {
  const uint64_t *tape = dom.doc.tape.get();
  // tape[0] is the root word; its payload is the index of the closing root word.
  const size_t end = size_t(tape[0] & simdjson::internal::JSON_VALUE_MASK);
  if (parser.node_capacity < end) {
    parser.nodes.reset(new slate_json_node[end]);
    parser.node_capacity = end;
  }
  parser.node_count = flatten_tape(tape, 1, end, dom.doc.string_buf.get(), structural_walk(dom, bytes),
                                   parser.nodes.get(), parser.stack);
}

// The index just past the value whose first word is `tape[i]`.
inline size_t after_value(const uint64_t *tape, size_t i) noexcept {
  const uint64_t word = tape[i];
  switch (uint8_t(word >> 56)) {
    case '{': case '[': return size_t(uint32_t(word));
    case 'l': case 'u': case 'd': return i + 2;
    default: return i + 1;
  }
}

// Writes into the first tape word of every number of the last tape-parsed document one
// past its lexeme's offset in the input (simdjson leaves that payload 0), found by the
// structural walk. Once per document. O(tape words).
void locate_numbers(slate_json_parser &parser) {
  if (parser.numbers_located) { return; }
  simdjson::dom::parser &dom = *parser.tape_parser;
  uint64_t *tape = dom.doc.tape.get();
  const size_t end = size_t(tape[0] & simdjson::internal::JSON_VALUE_MASK);
  structural_walk walk(dom, parser.tape_input);
  size_t i = 1;
  while (i < end) {
    const uint64_t word = tape[i];
    const uint8_t type = uint8_t(word >> 56);
    if (type == '}' || type == ']') {
      walk.close();
      i++;
      continue;
    }
    const uint8_t *first = walk.value(word);
    if (type == 'l' || type == 'u' || type == 'd') {
      tape[i] = (word & ~simdjson::internal::JSON_VALUE_MASK) | uint64_t(first - parser.tape_input + 1);
      i += 2;
    } else {
      i++;
    }
  }
  parser.numbers_located = true;
}

// Fills `parser->substitute` with `bytes` (plus padding), every number simdjson cannot hold
// replaced by `0e` and zeros to the same length (such a number has at least 3 bytes). The
// document must be valid JSON (the strict locator found only out-of-range numbers), so
// strings and numbers are delimited by the grammar alone. O(length).
void substitute_numbers(slate_json_parser *parser, const uint8_t *bytes, size_t length) {
  std::vector<uint8_t> &copy = parser->substitute;
  copy.assign(bytes, bytes + length);
  copy.resize(length + simdjson::SIMDJSON_PADDING, ' ');
  size_t i = 0;
  while (i < length) {
    uint8_t c = copy[i];
    if (c == '"') {
      for (i++; i < length && copy[i] != '"'; i++) {
        if (copy[i] == '\\') { i++; }
      }
      i++;
      continue;
    }
    if (c != '-' && !(c >= '0' && c <= '9')) { i++; continue; }
    size_t start = i;
    while (i < length && is_number_byte(copy[i])) { i++; }
    uint64_t ignored = 0;
    if (i - start >= 3 && slate_json_locate_error(bytes + start, i - start, 1, &ignored) != SLATE_SYNTAX_NONE) {
      copy[start] = '0';
      copy[start + 1] = 'e';
      std::fill(copy.begin() + start + 2, copy.begin() + i, uint8_t('0'));
    }
  }
}

// Parses `input` with the parser allocated one level deeper than `max_depth`: simdjson
// refuses a non-empty container exactly `max_depth` deep, which the limit allows. True on
// success, with `*used` that parser.
bool parse_one_deeper(slate_json_parser *parser, const uint8_t *input, size_t length, simdjson::dom::element *root,
                      const simdjson::dom::parser **used) {
  if (!parser->deeper) {
    parser->deeper.reset(new (std::nothrow) simdjson::dom::parser(parser->dom.max_capacity()));
  }
  if (!parser->deeper || parser->deeper->allocate(std::max(length, simdjson::dom::MINIMAL_DOCUMENT_CAPACITY),
                                                  parser->max_depth + 1) != simdjson::SUCCESS) {
    return false;
  }
  auto again = parser->deeper->parse(input, length, /*realloc_if_needed=*/false);
  if (again.error() != simdjson::SUCCESS) { return false; }
  *root = again.value_unsafe();
  *used = parser->deeper.get();
  return true;
}

// Parses with simdjson; `*used` is the simdjson parser that holds the document.
int32_t parse_dom(slate_json_parser *parser, const uint8_t *bytes, size_t length, slate_json_error *error,
                  simdjson::dom::element *root, const simdjson::dom::parser **used) {
  *used = &parser->dom;
  auto result = parser->dom.parse(bytes, length, /*realloc_if_needed=*/false);
  simdjson::error_code code = result.error();
  if (code == simdjson::SUCCESS) {
    *root = result.value_unsafe();
    return 0;
  }
  error->simdjson_code = int32_t(code);
  error->offset = 0;
  if (code == simdjson::CAPACITY) {
    error->reason = SLATE_SYNTAX_CAPACITY;
    return int32_t(code);
  }
  if (code == simdjson::MEMALLOC) {
    error->reason = SLATE_SYNTAX_CAPACITY;
    return int32_t(code);
  }
  uint64_t offset = 0;
  int32_t reason = slate_json_locate_error(bytes, length, parser->max_depth, &offset);
  if (code == simdjson::DEPTH_ERROR && reason == SLATE_SYNTAX_NONE &&
      parse_one_deeper(parser, bytes, length, root, used)) {
    return 0;
  }
  if (reason == SLATE_SYNTAX_NUMBER_OUT_OF_RANGE) {
    // Valid JSON whose numbers simdjson cannot hold: parse a copy with placeholders (the
    // structure, and so every offset, is unchanged; depth was checked by the locator).
    try {
      substitute_numbers(parser, bytes, length);
    } catch (const std::bad_alloc &) {
      error->reason = SLATE_SYNTAX_CAPACITY;
      error->offset = 0;
      return int32_t(simdjson::MEMALLOC);
    }
    const uint8_t *copy = parser->substitute.data();
    auto again = parser->dom.parse(copy, length, /*realloc_if_needed=*/false);
    if (again.error() == simdjson::SUCCESS) {
      *root = again.value_unsafe();
      return 0;
    }
    if (again.error() == simdjson::DEPTH_ERROR && parse_one_deeper(parser, copy, length, root, used)) { return 0; }
  }
  error->reason = reason;
  error->offset = offset;
  return int32_t(code);
}

// Parsers released by `slate_json_parser_destroy`, kept for the next
// `slate_json_parser_create` with the same limits: a stream makes its parsers anew and most
// streams are small, so making them (simdjson's buffers allocated, ~65 KB each) and freeing
// them was a fixed cost of every stream. At most `pool_size` are kept (the ones released
// last; a release into a full pool frees the oldest), each only while its
// buffers hold documents of at most `pool_max_capacity` bytes (larger ones are freed, so the
// pool never holds more than a few MB). A parser's results never depend on what it parsed
// before (its buffers grow on demand; the limits are its own), so a reused one parses as a
// new one does.
constexpr size_t pool_size = 8;
constexpr size_t pool_max_capacity = size_t(64) << 10;
std::mutex pool_mutex;
slate_json_parser *pool[pool_size];
size_t pooled = 0;

// Whether a released parser is small enough to keep.
bool is_poolable(const slate_json_parser *parser) noexcept {
  return parser->dom.capacity() <= pool_max_capacity &&
         (!parser->deeper || parser->deeper->capacity() <= pool_max_capacity) &&
         parser->node_capacity <= pool_max_capacity && parser->substitute.capacity() <= pool_max_capacity + simdjson::SIMDJSON_PADDING;
}

// A pooled parser with these limits, taken out of the pool, or nullptr.
slate_json_parser *take_pooled(size_t max_capacity, size_t max_depth) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  for (size_t i = pooled; i > 0; i--) {
    slate_json_parser *parser = pool[i - 1];
    if (parser->max_bytes == max_capacity && parser->max_depth == max_depth) {
      pool[i - 1] = pool[pooled - 1];
      pooled--;
      parser->reused = true;
      return parser;
    }
  }
  return nullptr;
}

}  // namespace

extern "C" {

slate_json_parser *slate_json_parser_create(size_t max_capacity, size_t max_depth) {
  if (slate_json_parser *parser = take_pooled(max_capacity, max_depth)) { return parser; }
  auto *parser = new (std::nothrow) slate_json_parser(max_capacity, max_depth);
  if (parser == nullptr) { return nullptr; }
  // Allocate for small documents now; parse() grows the buffers up to max_capacity.
  if (parser->dom.allocate(std::min(parser->dom.max_capacity(), size_t(4096)), max_depth) != simdjson::SUCCESS) {
    delete parser;
    return nullptr;
  }
  return parser;
}

void slate_json_parser_destroy(slate_json_parser *parser) {
  if (parser == nullptr) { return; }
  // Nothing of its last document is kept: the next owner starts with none.
  parser->tape_parser = nullptr;
  parser->tape_input = nullptr;
  parser->numbers_located = false;
  parser->node_count = 0;
  parser->document = {};
  // The pool keeps the parsers released last: a full pool frees its oldest.
  if (is_poolable(parser)) {
    std::lock_guard<std::mutex> lock(pool_mutex);
    if (pooled < pool_size) {
      pool[pooled++] = parser;
      return;
    }
    slate_json_parser *oldest = pool[0];
    std::memmove(pool, pool + 1, (pool_size - 1) * sizeof(pool[0]));
    pool[pool_size - 1] = parser;
    parser = oldest;
  }
  delete parser;
}

bool slate_json_parser_reused(const slate_json_parser *parser) { return parser->reused; }

size_t slate_json_parser_pooled(void) {
  std::lock_guard<std::mutex> lock(pool_mutex);
  return pooled;
}

slate_json_document *slate_json_parser_document(slate_json_parser *parser) { return &parser->document; }

static int32_t ensure_capacity(slate_json_parser *parser, size_t length, slate_json_error *error) {
  if (length <= parser->dom.capacity() && length <= parser->max_bytes) { return 0; }
  simdjson::error_code code = length > parser->max_bytes
                                  ? simdjson::CAPACITY
                                  : parser->dom.allocate(length, parser->max_depth);
  if (code == simdjson::SUCCESS) { return 0; }
  error->simdjson_code = int32_t(code);
  error->reason = SLATE_SYNTAX_CAPACITY;
  error->offset = 0;
  return int32_t(code);
}

int32_t slate_json_parse(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                         slate_json_error *error) {
  parser->tape_parser = nullptr;
  if (int32_t code = ensure_capacity(parser, length, error)) { return code; }
  simdjson::dom::element root;
  const simdjson::dom::parser *used = nullptr;
  if (int32_t code = parse_dom(parser, bytes, length, error, &root, &used)) { return code; }
  try {
    flatten(*parser, *used, bytes);
  } catch (const std::bad_alloc &) {
    error->simdjson_code = int32_t(simdjson::MEMALLOC);
    error->reason = SLATE_SYNTAX_CAPACITY;
    error->offset = 0;
    return int32_t(simdjson::MEMALLOC);
  }
  return 0;
}

int32_t slate_json_parse_tape(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                              slate_json_error *error, slate_json_document *document) {
  parser->tape_parser = nullptr;
  if (int32_t code = ensure_capacity(parser, length, error)) { return code; }
  simdjson::dom::element root;
  const simdjson::dom::parser *used = nullptr;
  if (int32_t code = parse_dom(parser, bytes, length, error, &root, &used)) { return code; }
  // The tape is the shim's to annotate (`locate_numbers`): simdjson's own DOM never reads it.
  parser->tape_parser = const_cast<simdjson::dom::parser *>(used);
  parser->tape_input = bytes;
  parser->numbers_located = false;
  document->tape = used->doc.tape.get();
  document->strings = used->doc.string_buf.get();
  document->lexemes = bytes;
  document->parser = parser;
  return 0;
}

void slate_json_locate_numbers(slate_json_parser *parser) {
  if (parser->tape_parser != nullptr) { locate_numbers(*parser); }
}

size_t slate_json_flatten_value(const slate_json_document *document, size_t index, slate_json_node *nodes) {
  if (document->parser != nullptr) { slate_json_locate_numbers(document->parser); }
  try {
    std::vector<slate_json_parser::open_container> stack;
    return flatten_tape(document->tape, index, after_value(document->tape, index), document->strings,
                        located_numbers{document->lexemes}, nodes, stack);
  } catch (const std::bad_alloc &) {
    return 0;
  }
}

slate_json_document *slate_json_copy_value(const slate_json_document *document, size_t index) {
  if (document->parser != nullptr) { slate_json_locate_numbers(document->parser); }
  const uint64_t *tape = document->tape;
  const size_t end = after_value(tape, index);
  const size_t words = end - index;
  // The texts: each string as simdjson stores it (length, bytes, NUL), each number's lexeme
  // and a space (the byte that stops a lexeme scan).
  size_t text = 0;
  for (size_t i = index; i < end;) {
    const uint64_t word = tape[i];
    const size_t payload = size_t(word & simdjson::internal::JSON_VALUE_MASK);
    switch (uint8_t(word >> 56)) {
      case '"': {
        uint32_t length;
        std::memcpy(&length, document->strings + payload, sizeof(length));
        text += sizeof(uint32_t) + length + 1;
        i++;
        break;
      }
      case 'l': case 'u': case 'd':
        text += lexeme_length(document->lexemes + payload - 1) + 1;
        i += 2;
        break;
      default: i++; break;
    }
  }
  const size_t header = (sizeof(slate_json_document) + 7) & ~size_t(7);
  auto *block = static_cast<uint8_t *>(std::malloc(header + words * sizeof(uint64_t) + text + 1));
  if (block == nullptr) { return nullptr; }
  auto *copy = reinterpret_cast<slate_json_document *>(block);
  auto *out = reinterpret_cast<uint64_t *>(block + header);
  uint8_t *texts = block + header + words * sizeof(uint64_t);
  size_t at = 0;
  for (size_t i = index; i < end;) {
    const uint64_t word = tape[i];
    const uint64_t tag = word & ~simdjson::internal::JSON_VALUE_MASK;
    const size_t payload = size_t(word & simdjson::internal::JSON_VALUE_MASK);
    switch (uint8_t(word >> 56)) {
      case '"': {
        uint32_t length;
        std::memcpy(&length, document->strings + payload, sizeof(length));
        std::memcpy(texts + at, document->strings + payload, sizeof(uint32_t) + length);
        texts[at + sizeof(uint32_t) + length] = 0;
        out[i - index] = tag | uint64_t(at);
        at += sizeof(uint32_t) + length + 1;
        i++;
        break;
      }
      case 'l': case 'u': case 'd': {
        const uint8_t *lexeme = document->lexemes + payload - 1;
        const size_t length = lexeme_length(lexeme);
        std::memcpy(texts + at, lexeme, length);
        texts[at + length] = ' ';
        out[i - index] = tag | uint64_t(at + 1);
        out[i - index + 1] = tape[i + 1];
        at += length + 1;
        i += 2;
        break;
      }
      case '{': case '[':  // the count, and the index past the closing word, rebased
        out[i - index] = (word & ~uint64_t(0xFFFFFFFF)) | uint64_t(uint32_t(word) - index);
        i++;
        break;
      case '}': case ']':  // the opening word's index, rebased
        out[i - index] = tag | uint64_t(payload - index);
        i++;
        break;
      default:
        out[i - index] = word;
        i++;
        break;
    }
  }
  copy->tape = out;
  copy->strings = texts;
  copy->lexemes = texts;
  copy->parser = nullptr;
  return copy;
}

void slate_json_copy_free(slate_json_document *copy) { std::free(copy); }

int32_t slate_json_validate(slate_json_parser *parser, const uint8_t *bytes, size_t length,
                            slate_json_error *error) {
  parser->tape_parser = nullptr;
  if (int32_t code = ensure_capacity(parser, length, error)) { return code; }
  simdjson::dom::element root;
  const simdjson::dom::parser *used = nullptr;
  return parse_dom(parser, bytes, length, error, &root, &used);
}

const slate_json_node *slate_json_nodes(const slate_json_parser *parser, size_t *count) {
  *count = parser->node_count;
  return parser->nodes.get();
}

const char *slate_json_error_message(int32_t simdjson_code) {
  return simdjson::error_message(simdjson::error_code(simdjson_code));
}

const char *slate_json_error_name(int32_t simdjson_code) {
  switch (simdjson::error_code(simdjson_code)) {
#define SLATE_CASE(name) case simdjson::name: return #name;
    SLATE_CASE(SUCCESS) SLATE_CASE(CAPACITY) SLATE_CASE(MEMALLOC) SLATE_CASE(TAPE_ERROR)
    SLATE_CASE(DEPTH_ERROR) SLATE_CASE(STRING_ERROR) SLATE_CASE(T_ATOM_ERROR)
    SLATE_CASE(F_ATOM_ERROR) SLATE_CASE(N_ATOM_ERROR) SLATE_CASE(NUMBER_ERROR)
    SLATE_CASE(UTF8_ERROR) SLATE_CASE(UNINITIALIZED) SLATE_CASE(EMPTY)
    SLATE_CASE(UNESCAPED_CHARS) SLATE_CASE(UNCLOSED_STRING) SLATE_CASE(UNSUPPORTED_ARCHITECTURE)
    SLATE_CASE(INCORRECT_TYPE) SLATE_CASE(NUMBER_OUT_OF_RANGE) SLATE_CASE(INDEX_OUT_OF_BOUNDS)
    SLATE_CASE(NO_SUCH_FIELD) SLATE_CASE(IO_ERROR) SLATE_CASE(INVALID_JSON_POINTER)
    SLATE_CASE(INVALID_URI_FRAGMENT) SLATE_CASE(UNEXPECTED_ERROR) SLATE_CASE(PARSER_IN_USE)
    SLATE_CASE(OUT_OF_ORDER_ITERATION) SLATE_CASE(INSUFFICIENT_PADDING)
    SLATE_CASE(INCOMPLETE_ARRAY_OR_OBJECT) SLATE_CASE(SCALAR_DOCUMENT_AS_VALUE)
    SLATE_CASE(OUT_OF_BOUNDS) SLATE_CASE(TRAILING_CONTENT)
#undef SLATE_CASE
    default: return "UNKNOWN";
  }
}

const char *slate_json_active_implementation(void) {
  return simdjson::get_active_implementation()->name().data();
}

}  // extern "C"
