// The error path of the shim: simdjson's DOM front end says *that* a document is invalid
// but not *where*. This strict RFC 8259 scanner finds the first offending byte. It runs
// only after simdjson has rejected a document, so it favours clarity over speed; it is
// iterative (an explicit stack of container kinds), so deep nesting cannot overflow.
#include "CSimdjson.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

struct locator {
  const uint8_t *p;
  size_t n;
  size_t i = 0;
  uint64_t *offset;

  int32_t fail(int32_t reason, size_t at) {
    *offset = at;
    return reason;
  }

  bool at_end() const { return i >= n; }

  void skip_whitespace() {
    // RFC 8259 §2: ws = *( %x20 / %x09 / %x0A / %x0D )
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) { i++; }
  }

  // Length of the valid UTF-8 sequence at `at` (RFC 3629 §4), or 0 when it is invalid:
  // no overlongs, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
  size_t utf8_length(size_t at) const {
    uint8_t b0 = p[at];
    if (b0 < 0x80) { return 1; }
    auto cont = [&](size_t k, uint8_t lo, uint8_t hi) {
      return at + k < n && p[at + k] >= lo && p[at + k] <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF) { return cont(1, 0x80, 0xBF) ? 2 : 0; }
    if (b0 == 0xE0) { return cont(1, 0xA0, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0; }
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF) {
      return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) ? 3 : 0;
    }
    if (b0 == 0xED) { return cont(1, 0x80, 0x9F) && cont(2, 0x80, 0xBF) ? 3 : 0; }
    if (b0 == 0xF0) { return cont(1, 0x90, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0; }
    if (b0 >= 0xF1 && b0 <= 0xF3) {
      return cont(1, 0x80, 0xBF) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0;
    }
    if (b0 == 0xF4) { return cont(1, 0x80, 0x8F) && cont(2, 0x80, 0xBF) && cont(3, 0x80, 0xBF) ? 4 : 0; }
    return 0;
  }

  // The first invalid UTF-8 byte anywhere in the input, or n. simdjson validates the whole
  // input as UTF-8 before anything else, so a UTF8_ERROR is located by this alone.
  size_t first_invalid_utf8() const {
    for (size_t at = 0; at < n;) {
      size_t len = utf8_length(at);
      if (len == 0) { return at; }
      at += len;
    }
    return n;
  }

  // An unexpected byte that does not start a valid UTF-8 sequence is reported as such.
  int32_t unexpected(size_t at) {
    if (at >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
    return fail(utf8_length(at) == 0 ? SLATE_SYNTAX_INVALID_UTF8 : SLATE_SYNTAX_UNEXPECTED_BYTE, at);
  }

  static int hex(uint8_t c) {
    if (c >= '0' && c <= '9') { return c - '0'; }
    if (c >= 'a' && c <= 'f') { return c - 'a' + 10; }
    if (c >= 'A' && c <= 'F') { return c - 'A' + 10; }
    return -1;
  }

  // Reads the four hex digits after "\u" at i; returns the code unit or -1 (offset set).
  long read_u4(int32_t *reason) {
    long v = 0;
    for (int k = 0; k < 4; k++) {
      if (i >= n) { *reason = fail(SLATE_SYNTAX_TRUNCATED, n); return -1; }
      int h = hex(p[i]);
      if (h < 0) { *reason = fail(SLATE_SYNTAX_INVALID_ESCAPE, i); return -1; }
      v = v * 16 + h;
      i++;
    }
    return v;
  }

  // RFC 8259 §7: string = quotation-mark *char quotation-mark. `i` is at the opening quote.
  int32_t string() {
    i++;
    while (true) {
      if (i >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
      uint8_t c = p[i];
      if (c == '"') { i++; return SLATE_SYNTAX_NONE; }
      if (c < 0x20) { return fail(SLATE_SYNTAX_UNEXPECTED_BYTE, i); }  // unescaped control
      if (c == '\\') {
        size_t escape = i;
        i++;
        if (i >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
        uint8_t e = p[i];
        if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
          i++;
          continue;
        }
        if (e != 'u') { return fail(SLATE_SYNTAX_INVALID_ESCAPE, escape); }
        i++;
        int32_t reason = SLATE_SYNTAX_NONE;
        long unit = read_u4(&reason);
        if (unit < 0) { return reason; }
        if (unit >= 0xDC00 && unit <= 0xDFFF) { return fail(SLATE_SYNTAX_INVALID_ESCAPE, escape); }
        if (unit >= 0xD800 && unit <= 0xDBFF) {
          // A high surrogate must be followed by an escaped low surrogate.
          if (i < n && p[i] != '\\') { return fail(SLATE_SYNTAX_INVALID_ESCAPE, escape); }
          if (i + 1 < n && p[i + 1] != 'u') { return fail(SLATE_SYNTAX_INVALID_ESCAPE, escape); }
          if (i + 1 >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
          i += 2;
          long low = read_u4(&reason);
          if (low < 0) { return reason; }
          if (low < 0xDC00 || low > 0xDFFF) { return fail(SLATE_SYNTAX_INVALID_ESCAPE, escape); }
        }
        continue;
      }
      size_t len = utf8_length(i);
      if (len == 0) { return fail(SLATE_SYNTAX_INVALID_UTF8, i); }
      i += len;
    }
  }

  static bool digit(uint8_t c) { return c >= '0' && c <= '9'; }

  // RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ]
  int32_t number(bool check_range) {
    size_t start = i;
    if (p[i] == '-') { i++; }
    if (i >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
    if (p[i] == '0') {
      i++;
      if (i < n && digit(p[i])) { return fail(SLATE_SYNTAX_INVALID_NUMBER, i); }  // leading zero
    } else if (digit(p[i])) {
      while (i < n && digit(p[i])) { i++; }
    } else {
      return fail(SLATE_SYNTAX_INVALID_NUMBER, i);
    }
    if (i < n && p[i] == '.') {
      i++;
      if (i >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
      if (!digit(p[i])) { return fail(SLATE_SYNTAX_INVALID_NUMBER, i); }
      while (i < n && digit(p[i])) { i++; }
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
      i++;
      if (i < n && (p[i] == '+' || p[i] == '-')) { i++; }
      if (i >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
      if (!digit(p[i])) { return fail(SLATE_SYNTAX_INVALID_NUMBER, i); }
      while (i < n && digit(p[i])) { i++; }
    }
    if (check_range) {
      std::string lexeme(reinterpret_cast<const char *>(p + start), i - start);
      double v = std::strtod(lexeme.c_str(), nullptr);
      if (std::isinf(v)) { return fail(SLATE_SYNTAX_NUMBER_OUT_OF_RANGE, start); }
      // simdjson's DOM keeps an integer lexeme (no fraction, no exponent) as an int64 or a
      // uint64 and refuses one outside [-2^63, 2^64 - 1].
      if (lexeme.find_first_of(".eE") == std::string::npos) {
        errno = 0;
        if (lexeme[0] == '-') {
          (void)std::strtoll(lexeme.c_str(), nullptr, 10);
        } else {
          (void)std::strtoull(lexeme.c_str(), nullptr, 10);
        }
        if (errno == ERANGE) { return fail(SLATE_SYNTAX_NUMBER_OUT_OF_RANGE, start); }
      }
    }
    return SLATE_SYNTAX_NONE;
  }

  int32_t literal(const char *word, size_t length) {
    for (size_t k = 0; k < length; k++) {
      if (i + k >= n) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
      if (p[i + k] != uint8_t(word[k])) { return unexpected(i + k); }
    }
    i += length;
    return SLATE_SYNTAX_NONE;
  }

  int32_t scalar(bool check_range) {
    switch (p[i]) {
      case '"': return string();
      case 't': return literal("true", 4);
      case 'f': return literal("false", 5);
      case 'n': return literal("null", 4);
      default:
        if (p[i] == '-' || digit(p[i])) { return number(check_range); }
        return unexpected(i);
    }
  }

  int32_t run(size_t max_depth, bool check_range) {
    if (size_t bad = first_invalid_utf8(); bad < n) { return fail(SLATE_SYNTAX_INVALID_UTF8, bad); }
    std::vector<uint8_t> stack;  // '[' or '{' per open container
    enum { VALUE, AFTER_VALUE, KEY_OR_CLOSE, KEY } want = VALUE;
    while (true) {
      skip_whitespace();
      if (want == VALUE) {
        if (at_end()) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
        uint8_t c = p[i];
        if (c == '[' || c == '{') {
          if (stack.size() + 1 > max_depth) { return fail(SLATE_SYNTAX_DEPTH_EXCEEDED, i); }
          stack.push_back(c);
          i++;
          if (c == '{') { want = KEY_OR_CLOSE; continue; }
          skip_whitespace();
          if (!at_end() && p[i] == ']') { i++; stack.pop_back(); want = AFTER_VALUE; }
          continue;
        }
        if (int32_t r = scalar(check_range)) { return r; }
        want = AFTER_VALUE;
        continue;
      }
      if (want == KEY_OR_CLOSE || want == KEY) {
        if (at_end()) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
        if (want == KEY_OR_CLOSE && p[i] == '}') { i++; stack.pop_back(); want = AFTER_VALUE; continue; }
        if (p[i] != '"') { return unexpected(i); }
        if (int32_t r = string()) { return r; }
        skip_whitespace();
        if (at_end()) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
        if (p[i] != ':') { return unexpected(i); }
        i++;
        want = VALUE;
        continue;
      }
      // AFTER_VALUE
      if (stack.empty()) {
        if (!at_end()) { return fail(SLATE_SYNTAX_TRAILING_CONTENT, i); }
        return SLATE_SYNTAX_NONE;
      }
      if (at_end()) { return fail(SLATE_SYNTAX_TRUNCATED, n); }
      uint8_t c = p[i];
      if (c == ',') { i++; want = stack.back() == '{' ? KEY : VALUE; continue; }
      if ((c == ']' && stack.back() == '[') || (c == '}' && stack.back() == '{')) {
        i++;
        stack.pop_back();
        continue;
      }
      return unexpected(i);
    }
  }
};

}  // namespace

extern "C" int32_t slate_json_locate_error(const uint8_t *bytes, size_t length, size_t max_depth,
                                           uint64_t *offset) {
  *offset = 0;
  {
    locator syntax{bytes, length, 0, offset};
    if (int32_t r = syntax.run(max_depth, false)) { return r; }
  }
  // Syntactically valid: simdjson may still refuse a number whose magnitude no double holds.
  locator range{bytes, length, 0, offset};
  return range.run(max_depth, true);
}
