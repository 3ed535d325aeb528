import SlateDispatch
import SlateJSON
import Testing

/// The seeded fault plan the CLI's `--fault` options build.
@Suite struct FaultPlanTests {
  @Test func specsParse() throws {
    let plan = try FaultPlan(specs: ["crash-after=3", "transient-rate=0.25", "timeout-rate=0.1", "seed=42"])
    #expect(plan == FaultPlan(crashAfter: 3, transientRate: 0.25, timeoutRate: 0.1, seed: 42))
    #expect(try FaultPlan(specs: ["seed=1", "seed=2"]).seed == 2)
  }

  @Test(arguments: [
    ("crash-after", "fault.malformed"), ("crash-after=0", "fault.invalid_value"), ("crash-after=x", "fault.invalid_value"),
    ("transient-rate=1.5", "fault.invalid_value"), ("timeout-rate=-0.1", "fault.invalid_value"),
    ("seed=-1", "fault.invalid_value"), ("explode=1", "fault.unknown"),
  ])
  func badSpecsAreRefusedWithACode(_ spec: String, _ code: String) {
    #expect(throws: FaultPlanError.self) { try FaultPlan(specs: [spec]) }
    do {
      _ = try FaultPlan(specs: [spec])
    } catch {
      #expect(error.code == code)
    }
  }

  /// The faults one seed draws, as a string of `T` (transient), `L` (lost answer), `.`.
  func draws(seed: UInt64, calls: Int = 40) async -> String {
    let injector = FaultInjector(plan: FaultPlan(transientRate: 0.3, timeoutRate: 0.3, seed: seed))
    let handler = injector.wrap(ScriptedHandler())
    var out = ""
    for _ in 0..<calls {
      do {
        _ = try await handler.handle(call)
        out += "."
      } catch let failure as HandlerFailure {
        out += failure.code == "fault.transient" ? "T" : "L"
      } catch {
        out += "?"
      }
    }
    return out
  }

  let call = HandlerCall(turn: "t", project: "p", scope: .turn("t"),
                         key: ActionKey(hex: "aa", namespace: "scene", readable: "scene:s1", canonicalBytes: []),
                         type: "create_scene", queue: "scene", phase: nil, payload: ["scene_id": "s1"], effects: [],
                         attempt: 1, fencingToken: 1, resolvingAmbiguity: false)

  @Test func aSeedReproducesItsFaults() async {
    let a = await draws(seed: 7)
    #expect(a == (await draws(seed: 7)))
    #expect(a != (await draws(seed: 8)))
    #expect(a.contains("T") && a.contains("L") && a.contains("."))
  }

  @Test func aLostAnswerHappensAfterTheHandlerRan() async throws {
    let inner = ScriptedHandler()
    let injector = FaultInjector(plan: FaultPlan(timeoutRate: 1))
    await #expect(throws: HandlerFailure.ambiguous(code: "fault.timeout", message: "injected timeout: the answer was lost")) {
      _ = try await injector.wrap(inner).handle(call)
    }
    #expect(inner.calls.count == 1)
    let transient = FaultInjector(plan: FaultPlan(transientRate: 1))
    await #expect(throws: HandlerFailure.self) { _ = try await transient.wrap(inner).handle(call) }
    #expect(inner.calls.count == 1, "an injected transient failure does not reach the handler")
  }

  @Test func theCrashHookRunsAfterCallN() async throws {
    let inner = ScriptedHandler()
    let hook = SharedCounter()
    let injector = FaultInjector(plan: FaultPlan(crashAfter: 2)) { number in
      hook.increment()
      throw SimulatedCrash(afterCall: number)
    }
    let handler = injector.wrap(inner)
    _ = try await handler.handle(call)
    await #expect(throws: SimulatedCrash(afterCall: 2)) { _ = try await handler.handle(call) }
    #expect(inner.calls.count == 2, "the crash comes after the second call ran")
    _ = try await handler.handle(call)
    #expect(hook.value == 1 && injector.calls == 3)
  }
}
