import { describe, expect, test } from 'vitest'
import { classFrom, edit } from '../../test/class-source.ts'
import { planPatch, type PatchPlan } from './plan-patch.ts'

/** The plan from one source to the next, each evaluated afresh. */
function planFor(before: string, after: string, scope: Record<string, unknown> = {}): PatchPlan {
  return planPatch(classFrom(before, scope), classFrom(after, scope))
}

function reasons(plan: PatchPlan): string[] {
  if (plan.mode !== 'replace') throw new Error(`expected a replace, got ${JSON.stringify(plan)}`)
  return plan.reasons
}

function reasonsFor(before: string, after: string, scope: Record<string, unknown> = {}): string[] {
  return reasons(planFor(before, after, scope))
}

class Base {
  hello() {
    return 'base'
  }
}

describe('planPatch: what changed', () => {
  test('changed, added and removed members by the names users read', () => {
    const plan = planFor(
      `class W {
        step1() { return 1 } step2() { return 2 } get total() { return 0 } set total(v) {}
        static create() { return new this() } old() {}
      }`,
      `class W {
        step1() { return 1 } step2() { return 22 } get total() { return 1 } set total(v) {}
        static create() { return new this(1) } step3() {} static get version() { return 2 }
      }`,
    )
    expect(plan).toEqual({
      mode: 'patch',
      changed: ['step2', 'get total', 'static create'],
      added: ['step3', 'static get version'],
      removed: ['old'],
      unchanged: 2,
      noCodeChange: false,
    })
  })

  test('a save that only changes comments and formatting is no code change', () => {
    const plan = planFor(
      `class W extends Base { #secret = 1; count = 0; constructor() { super(); this.x = 'a' } step() { return this.#secret } static { this.y = 1 } }`,
      `class W extends Base {
        // what the wizard keeps
        #secret = 1
        count = 0
        constructor () {
          super()
          this.x = "a"
        }
        /** The only step. */
        step () { return this.#secret; }
        static {
          this.y = 1
        }
      }`,
      { Base },
    )
    expect(plan).toEqual({ mode: 'patch', changed: [], added: [], removed: [], unchanged: 1, noCodeChange: true })
  })

  test('symbol-keyed and computed members are compared too', () => {
    const key = Symbol('step')
    const before = `class W { [Symbol.iterator]() { return 1 } [key]() { return 1 } }`
    const plan = planFor(before, edit(before, ['return 1', 'return 2']), { key })
    expect(plan).toMatchObject({ mode: 'patch', changed: ['[Symbol.iterator]'], unchanged: 1 })
  })

  test('unchanged methods that use private members are fine', () => {
    const before = `class W { #answers = []; add(a) { this.#answers.push(a) } step2() { return 1 } }`
    expect(planFor(before, edit(before, ['return 1', 'return 2']))).toMatchObject({ mode: 'patch', changed: ['step2'] })
  })

  test('a method using super is fine while the parent is the same object', () => {
    const before = `class W extends Base { hello() { return super.hello() } }`
    expect(planFor(before, edit(before, ['super.hello()', "super.hello() + '!'"]), { Base })).toMatchObject({ mode: 'patch', changed: ['hello'] })
  })

  test('an `extends` written differently but naming the same parent is not a reason', () => {
    expect(planFor(`class W extends Base {}`, `class W extends (0, Base) {}`, { Base })).toMatchObject({ mode: 'patch', noCodeChange: false })
  })

  test('copied static fields are changes, not reasons', () => {
    const live = classFrom(`class W { static hotReload = 'replace'; step() {} }`)
    const next = classFrom(`class W { static hotReload = 'patch'; step() {} }`)
    expect(planPatch(live, next)).toMatchObject({ mode: 'replace', reasons: [expect.stringContaining('Static field `static hotReload` changed')] })
    expect(planPatch(live, next, { copiedStaticFields: ['hotReload'] })).toMatchObject({ mode: 'patch', changed: ['static hotReload'] })
  })
})

describe('planPatch: what falls back to replace, and why', () => {
  test('a changed method that uses private members', () => {
    const before = `class W { #answers = []; step2() { return this.#answers.length } }`
    expect(reasonsFor(before, edit(before, ['length', 'length + 1']))).toEqual([
      "`step2` uses the private member `#answers`: the new class's private names do not exist on existing instances (calling it would throw a TypeError).",
    ])
  })

  test('an added getter that tests a private brand (`#x in o`)', () => {
    expect(reasonsFor(`class W { #x = 1 }`, `class W { #x = 1; get isW() { return #x in this } }`)).toEqual([
      expect.stringMatching(/^`get isW` uses the private member `#x`/),
    ])
  })

  test('a changed private method', () => {
    const before = `class W { #score() { return 1 } step() { return this.#score() } }`
    expect(reasonsFor(before, edit(before, ['return 1', 'return 2']))).toEqual([
      'Private member `#score` changed: ' +
        'private methods and accessors are installed on each instance when it is built and cannot be redefined on existing ones.',
    ])
  })

  test('a changed constructor', () => {
    expect(reasonsFor(`class W { constructor() { this.a = 1 } }`, `class W { constructor() { this.a = 1; start(this) } }`)).toEqual([
      'The constructor changed: existing instances were built by the old one, and the kept class would go on building new ones with it.',
    ])
  })

  // TypeScript without define semantics (useDefineForClassFields: false; Vite 7's esbuild without a tsconfig target) sets every field in the constructor.
  test('fields set in the constructor are named: added, removed, changed, function-valued', () => {
    const lowered = `class W { constructor() { this.answers = []; this.greet = () => 'hi'; this.run = this.run.bind(this) } run() {} }`
    const cases: Array<[[string, string], string]> = [
      [
        ['this.answers = [];', 'this.answers = []; this.startedAt = Date.now();'],
        "New field `startedAt` (set in the constructor): existing instances were built without it, and the kept class's constructor would not create it either.",
      ],
      [["'hi'", "'hello'"], '`greet` is an arrow-function field (set in the constructor) and changed: each instance holds its own copy, made by the old code.'],
      [
        ['this.answers = [];', 'this.answers = [1];'],
        'Field `answers` (set in the constructor) changed: existing instances keep what the old constructor gave them, and the kept class would still initialize new instances the old way.',
      ],
      [['this.answers = []; ', ''], 'Field `answers` removed from the constructor: existing instances keep it, and the kept class would still create it.'],
    ]
    for (const [change, reason] of cases) expect(reasonsFor(lowered, edit(lowered, change)), change.join(' → ')).toEqual([reason])
    // A new parameter too: the constructor itself changed, said besides the new field.
    expect(reasonsFor(`class W { constructor(a) { this.a = a } }`, `class W { constructor(a, b) { this.a = a; this.b = b } }`)).toEqual([
      "New field `b` (set in the constructor): existing instances were built without it, and the kept class's constructor would not create it either.",
      'The constructor changed: existing instances were built by the old one, and the kept class would go on building new ones with it.',
    ])
    // A class with no constructor that gets one for its first field (a derived class's also calls super: said too).
    expect(reasonsFor(`class W { run() {} }`, `class W { constructor() { this.n = 0 } run() {} }`)).toEqual([
      "New field `n` (set in the constructor): existing instances were built without it, and the kept class's constructor would not create it either.",
    ])
  })

  test('added fields are named', () => {
    expect(reasonsFor(`class W { answers = [] }`, `class W { answers = []; notes = ''; #draft = null }`)).toEqual([
      "New fields `notes`, `#draft`: existing instances were built without them, and the kept class's constructor would not create them either.",
    ])
  })

  test('changed and removed field initializers', () => {
    expect(reasonsFor(`class W { limit = 3; legacy = 1 }`, `class W { limit = 5 }`)).toEqual([
      'Field `legacy` removed: existing instances keep it, and the kept class would still create it.',
      'Field `limit` changed: existing instances keep what the old initializer gave them, and the kept class would still initialize new instances the old way.',
    ])
  })

  test('reordered fields', () => {
    expect(reasonsFor(`class W { a = 1; b = this.a + 1 }`, `class W { b = this.a + 1; a = 1 }`)).toEqual([expect.stringMatching(/^The fields were reordered/)])
  })

  test('a changed arrow-function field and a changed bound-method field', () => {
    const before = `class W { onNext = () => this.step(1); handler = this.a.bind(this); a() {} b() {} }`
    expect(reasonsFor(before, edit(before, ['step(1)', 'step(2)'], ['this.a.bind', 'this.b.bind']))).toEqual([
      '`onNext` is an arrow-function field and changed: each instance holds its own copy, made by the old code.',
      '`handler` is a bound-method field and changed: each instance holds its own bound copy, made by the old code.',
    ])
  })

  test('a changed method that a field or the constructor binds to each instance', () => {
    const field = `class W { handler = this.step.bind(this); step() { return 1 } }`
    expect(reasonsFor(field, edit(field, ['return 1', 'return 2']))).toEqual([
      'Field `handler` binds `step` to each instance (`this.step.bind(…)`): existing instances would keep calling the old `step`.',
    ])
    const constructor = `class W { constructor() { this.step = this.step.bind(this) } step() { return 1 } }`
    expect(reasonsFor(constructor, edit(constructor, ['return 1', 'return 2']))).toEqual([
      'The constructor binds `step` to each instance (`this.step.bind(…)`): existing instances would keep calling the old `step`.',
    ])
  })

  test('a changed `extends`', () => {
    class Other {}
    expect(reasonsFor(`class W extends Base {}`, `class W extends Other {}`, { Base, Other })).toEqual([
      'The `extends` clause changed (`Base` → `Other`): existing instances would keep inheriting from the old parent.',
    ])
    expect(reasonsFor(`class W {}`, `class W extends Base {}`, { Base })).toEqual([expect.stringContaining('(none → `Base`)')])
  })

  test('the same `extends` naming a new parent object (its module evaluated again), with the methods that call super', () => {
    const source = `class W extends Base { hello() { return super.hello() } }`
    expect(reasons(planPatch(classFrom(source, { Base: class Base {} }), classFrom(source, { Base: class Base {} })))).toEqual([
      "The parent class `Base` is a new object (its module was evaluated again): existing instances would keep inheriting the old one's members, " +
        'and `hello` would call the new one through `super`.',
    ])
  })

  test('a changed static block, a changed static field', () => {
    expect(reasonsFor(`class W { static { this.ready = 1 } }`, `class W { static { this.ready = 2 } }`)).toEqual([
      'Static block 1 changed: a static block ran once, when the live class was defined, and a patch does not run it again.',
    ])
    expect(reasonsFor(`class W { static steps = 2 }`, `class W { static steps = 3; static extra = 1 }`)).toEqual([
      'Static field `static steps` changed: the kept class keeps its own static values, and a patch does not run static initializers again.',
      'Static field `static extra` added: the kept class keeps its own static values, and a patch does not run static initializers again.',
    ])
  })

  test('a changed member that names the class: in the new code the name is the new class', () => {
    expect(reasonsFor(`class W { static create() { return new W() } }`, `class W { static create() { return new W(1) } }`)).toEqual([
      expect.stringMatching(/^`static create` refers to the class by its name `W`: in the new code that name is the new class/),
    ])
    // Unchanged, it is kept as the live class has it (naming the live class).
    const before = `class W { static create() { return new W() } step() {} }`
    expect(planFor(before, edit(before, ['step() {}', 'step() { return 1 }']))).toMatchObject({ mode: 'patch' })
  })

  test('a frozen class, a frozen prototype, a property that is not configurable', () => {
    const before = `class W { step() { return 1 } static make() { return 1 } }`
    const after = `class W { step() { return 2 } static make() { return 2 } extra() {} }`
    const frozenPrototype = classFrom(before)
    Object.freeze(frozenPrototype.prototype)
    expect(reasons(planPatch(frozenPrototype, classFrom(after)))).toEqual(["The live class's prototype is frozen: `step`, `extra` cannot be patched."])
    const frozen = classFrom(before)
    Object.freeze(frozen)
    expect(reasons(planPatch(frozen, classFrom(after)))).toEqual(['The live class is frozen: `static make` cannot be patched.'])
    const pinned = classFrom(before)
    Object.defineProperty(pinned.prototype, 'step', { configurable: false })
    expect(reasons(planPatch(pinned, classFrom(after)))).toEqual([
      "On the live class's prototype, a property that is not configurable cannot be redefined or removed: `step` cannot be patched.",
    ])
    // Nothing to change: a frozen class can take a no-code-change save.
    expect(planPatch(frozenPrototype, classFrom(before))).toMatchObject({ mode: 'patch', noCodeChange: true })
  })

  test('a class whose source cannot be read (bound, Proxy, native)', () => {
    const live = classFrom(`class W { step() {} }`)
    expect(reasons(planPatch(live.bind(null), live))).toEqual([
      expect.stringMatching(/^The live class cannot be patched: it is not written as a class \(its source reads `function \(\) \{ \[native code\] \}`/),
    ])
    expect(reasons(planPatch(live, new Proxy(live, {})))).toEqual([expect.stringMatching(/^The new class cannot be patched in: it is not written as a class/)])
    expect(reasons(planPatch(live, Map))).toEqual([expect.stringContaining('function Map()')])
  })

  test('a member replaced after the class was defined, and code set outside the class body', () => {
    const decorated = classFrom(`class W { step() { return 1 } }`)
    decorated.prototype.step = () => 0
    expect(reasons(planPatch(classFrom(`class W { step() { return 1 } }`), decorated))).toEqual([
      expect.stringMatching(/^In the new class, `step` on its prototype is not the function the class body declares/),
    ])
    const live = classFrom(`class W { step() {} }`)
    live.prototype.helper = function () {
      return 1
    }
    const next = classFrom(`class W { step() {} }`)
    next.prototype.helper = function () {
      return 2
    }
    expect(reasons(planPatch(live, next))).toEqual([
      '`helper` is set on the prototype outside the class body and differs in the new code: a patch follows the class body only.',
    ])
  })

  test('a static method named like the class identity (`name`) cannot change', () => {
    expect(reasonsFor(`class W { static name() { return 'a' } }`, `class W { static name() { return 'b' } }`)).toEqual([
      "`static name` cannot be patched: it would replace the class's own `name`.",
    ])
  })

  test('every reason is listed, once', () => {
    const plan = planFor(
      `class W { #a = 1; x = 1; constructor() {} step() { return this.#a } }`,
      `class W { #a = 1; x = 2; y = 1; constructor() { this.z = 1 } step() { return this.#a + 1 } }`,
    )
    expect(reasons(plan)).toHaveLength(4)
  })
})
