/// Canonical bytes of a value read in place from a parsed document (a ``JSONNode``), without
/// building its ``JSONValue``: the bytes ``JSONValue/canonicalBytes`` gives for the node's
/// ``JSONNode/value``, by the same rules (members in the order of their keys' UTF-16 code
/// units, the last of a repeated key standing; strings and numbers as the value writer
/// spells them).
extension CanonicalWriter {
  /// An open container of the document: an array's next child position, or an object's
  /// members as key positions at `start` in ``nodeOrder`` (canonical order).
  struct OpenNode: Sendable {
    let isObject: Bool
    /// Array: the tape position of the next element. Object: where its keys start in `nodeOrder`.
    var position: Int
    /// Array: the position of the closing word. Object: how many distinct members.
    let end: Int
    var written = 0
  }

  /// Appends the canonical bytes of `node` (those of `node.value`) to `out`. Iterative (any
  /// depth); allocates nothing after the first values but `out`'s growth and a `JSONNumber`
  /// per number longer than 15 bytes. O(size + Σ k·log k over objects of k members).
  public mutating func write(_ node: JSONNode, into out: inout [UInt8]) {
    write(node, omittingRootMembers: nil, into: &out)
  }

  /// The same for `node` without the members named `omitted` when it is an object (every
  /// member of that name, as if they were removed before writing); a non-object is written
  /// as it is.
  public mutating func write(_ node: JSONNode, omittingRootMembers omitted: UnsafeRawBufferPointer?,
                             into out: inout [UInt8])
  {
    nodeStack.removeAll(keepingCapacity: true)
    nodeOrder.removeAll(keepingCapacity: true)
    let document = node.document
    let tape = document.tape
    var pending: Int? = node.index
    while true {
      if let index = pending {
        pending = nil
        let child = JSONNode(document: document, index: index)
        switch child.type {
        case JSONNode.Tape.null: out.append(contentsOf: "null".utf8)
        case JSONNode.Tape.true: out.append(contentsOf: "true".utf8)
        case JSONNode.Tape.false: out.append(contentsOf: "false".utf8)
        case JSONNode.Tape.string: JSONValue.writeCanonicalString(bytes: child.bytes, into: &out)
        case JSONNode.Tape.array:
          out.append(UInt8(ascii: "["))
          let end = JSONNode.after(tape, index) - 1
          nodeStack.append(OpenNode(isObject: false, position: index + 1, end: end))
        case JSONNode.Tape.object:
          out.append(UInt8(ascii: "{"))
          let start = nodeOrder.count
          Self.appendCanonicalOrder(of: child, to: &nodeOrder)
          if let omitted, index == node.index {
            // Distinct keys: at most one position names it.
            nodeOrder.removeAll { JSONNode.equal(JSONNode.string(at: document.strings, tape[$0]), omitted) }
          }
          nodeStack.append(OpenNode(isObject: true, position: start, end: nodeOrder.count - start))
        default:
          let lexeme = child.bytes
          if JSONNumber.isCanonicalInteger(lexeme) {
            out.append(contentsOf: lexeme)  // its own canonical form: no `JSONNumber` made
          } else {
            JSONNumber(validatedLexeme: String(decoding: lexeme.bindMemory(to: UInt8.self), as: UTF8.self))
              .writeCanonical(into: &out)
          }
        }
      }
      guard let top = nodeStack.indices.last else { return }
      let open = nodeStack[top]
      if open.isObject {
        guard open.written < open.end else {
          out.append(UInt8(ascii: "}"))
          nodeOrder.removeLast(open.end)
          nodeStack.removeLast()
          continue
        }
        if open.written > 0 { out.append(UInt8(ascii: ",")) }
        let key = nodeOrder[open.position + open.written]
        JSONValue.writeCanonicalString(bytes: JSONNode.string(at: document.strings, tape[key]), into: &out)
        out.append(UInt8(ascii: ":"))
        pending = key + 1
        nodeStack[top].written += 1
      } else {
        guard open.position < open.end else {
          out.append(UInt8(ascii: "]"))
          nodeStack.removeLast()
          continue
        }
        if open.written > 0 { out.append(UInt8(ascii: ",")) }
        pending = open.position
        nodeStack[top].position = JSONNode.after(tape, open.position)
        nodeStack[top].written += 1
      }
    }
  }

  /// Appends the tape positions of `object`'s distinct keys (the last occurrence of each)
  /// in canonical order (``JSONObject/appendCanonicalOrder(to:)``'s rules).
  static func appendCanonicalOrder(of object: JSONNode, to order: inout [Int]) {
    let tape = object.document.tape
    let strings = object.document.strings
    func key(_ position: Int) -> UnsafeRawBufferPointer { JSONNode.string(at: strings, tape[position]) }
    let end = JSONNode.after(tape, object.index) - 1  // the object's closing word
    let positions = sequence(state: object.index + 1) { position -> Int? in
      guard position < end else { return nil }
      defer { position = JSONNode.after(tape, position + 1) }
      return position
    }
    JSONObject.appendCanonicalOrder(of: positions, to: &order, precedes: { JSONObject.keyPrecedes(key($0), key($1)) },
                                    sameKey: { JSONNode.equal(key($0), key($1)) })
  }
}

extension JSONNode {
  /// The canonical bytes of this value (``JSONValue/canonicalBytes`` of ``value``), written
  /// without building it (``CanonicalWriter/write(_:into:)-(JSONNode,_)``).
  public var canonicalBytes: [UInt8] { canonicalBytes(omittingRootMembers: nil) }

  /// The same without the members named `omitted` when this is an object.
  public func canonicalBytes(omittingRootMembers omitted: UnsafeRawBufferPointer?) -> [UInt8] {
    var out: [UInt8] = []
    var writer = CanonicalWriter()
    writer.write(self, omittingRootMembers: omitted, into: &out)
    return out
  }
}
