/// The support-ticket pack the live-turn tests use: one action, `create_ticket` (an id and a
/// title, keyed by its id, queued as `ticket`, one `notify` effect).
public enum SupportPack {
  public static let json = #"""
    {
      "name": "support", "version": "1", "x-slate-discriminator": "type",
      "x-slate-actions": {
        "create_ticket": {
          "type": "object", "required": ["id", "title"],
          "properties": { "id": { "type": "string" }, "title": { "type": "string" } },
          "additionalProperties": false,
          "x-slate-key": { "fields": ["/id"] }, "x-slate-queue": "ticket", "x-slate-effects": ["notify"]
        }
      }
    }
    """#
}
