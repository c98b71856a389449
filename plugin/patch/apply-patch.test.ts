import { describe, expect, test } from 'vitest'
import { classFrom, edit } from '../../test/class-source.ts'
import { applyPatch } from './apply-patch.ts'
import { planPatch, type PatchPlan } from './plan-patch.ts'

type Instance = Record<string, any>
const construct = (cls: Function, ...args: unknown[]): Instance => Reflect.construct(cls, args) as Instance

/** Plans and applies; the test fails on a replace plan. */
function patch(live: Function, next: Function): { plan: PatchPlan; undo: () => void } {
  const plan = planPatch(live, next)
  if (plan.mode !== 'patch') throw new Error(`expected a patch: ${plan.reasons.join(' ')}`)
  return { plan, undo: applyPatch(live, next, plan) }
}

/** Every own property (and its exact descriptor) of a class and its prototype. */
function snapshot(cls: Function): unknown {
  return { statics: Object.getOwnPropertyDescriptors(cls), prototype: Object.getOwnPropertyDescriptors(cls.prototype) }
}

/** A fresh v1 class, and its members as they were before any patch. */
function liveAtV1(): { live: Function; before: unknown } {
  const live = classFrom(v1)
  return { live, before: snapshot(live) }
}

const v1 = `class DebugWizard {
  answers = []
  step1(answer) { this.answers.push(answer); return 'one' }
  step2() { return 'two:' + this.answers.join() }
  get total() { return this.answers.length }
  set total(value) { this.answers.length = value }
  static create() { return new this() }
  legacy() { return 'old' }
}`
const v2 = `class DebugWizard {
  answers = []
  step1(answer) { this.answers.push(answer); return 'one' }
  step2() { return 'TWO:' + this.answers.join('+') }
  get total() { return this.answers.length * 10 }
  set total(value) { this.answers.length = value }
  static create() { const made = new this(); made.answers.push('seed'); return made }
  step3() { return 'three' }
}`

describe('applyPatch', () => {
  test('existing instances run the new code and keep their fields; the class keeps its identity', () => {
    const live = classFrom(v1)
    const running = construct(live)
    running.step1('a')
    running.step1('b')
    const { plan } = patch(live, classFrom(v2))
    expect(plan).toMatchObject({ changed: ['step2', 'get total', 'static create'], added: ['step3'], removed: ['legacy'] })
    expect(running.step2()).toBe('TWO:a+b')
    expect(running.total).toBe(20)
    running.total = 1
    expect(running.answers).toEqual(['a'])
    expect(running.step3()).toBe('three')
    expect(running.legacy).toBeUndefined()
    expect((live as unknown as { create(): Instance }).create().answers).toEqual(['seed'])
    expect(running).toBeInstanceOf(live)
    expect(live.name).toBe('DebugWizard')
    expect(live.prototype.constructor).toBe(live)
  })

  test('unchanged methods run in the new module too (a helper outside the class changed)', () => {
    const source = `class W { step() { return helper() } }`
    const live = classFrom(source, { helper: () => 'old helper' })
    const running = construct(live)
    const { plan } = patch(live, classFrom(source, { helper: () => 'new helper' }))
    expect(plan).toMatchObject({ noCodeChange: true, changed: [] })
    expect(running.step()).toBe('new helper')
  })

  test('real class declarations: each evaluation of the same code is a new class, patched into the first', () => {
    // As a module evaluated again: the same source, a new class closing over new module state.
    const moduleVersion = (label: string) => {
      const seen: string[] = []
      return class Survey {
        answers: string[] = []
        answer(text: string) {
          this.answers.push(text)
          seen.push(text)
          return `${label}: ${this.answers.length}`
        }
        static seen() {
          return seen
        }
      }
    }
    const live = moduleVersion('v1')
    const running = new live()
    running.answer('a')
    const next = moduleVersion('v2')
    const { plan } = patch(live, next)
    expect(plan).toMatchObject({ noCodeChange: true })
    expect(running.answer('b')).toBe('v2: 2')
    expect(live.seen()).toEqual(['b'])
    expect(running).toBeInstanceOf(live)
  })

  test('an unchanged method that uses private members or names the class stays the live one', () => {
    const source = (n: number) => `class W { #count = 0; bump() { return ++this.#count } static make() { return new W() } step() { return ${n} } }`
    const live = classFrom(source(1))
    const running = construct(live)
    running.bump()
    patch(live, classFrom(source(2)))
    expect(running.step()).toBe(2)
    expect(running.bump()).toBe(2)
    expect((live as unknown as { make(): Instance }).make()).toBeInstanceOf(live)
  })

  test('a changed getter beside an unchanged setter that uses a private member: each half decided apart', () => {
    const source = (factor: number) => `class W { #v = 1; get v() { return this.#v * ${factor} } set v(x) { this.#v = x } }`
    const live = classFrom(source(1))
    const running = construct(live)
    // The getter uses #v too: planPatch refuses it; the same with a getter that does not.
    expect(planPatch(live, classFrom(source(2)))).toMatchObject({ mode: 'replace' })
    const split = (label: string) => `class W { #v = 1; get v() { return '${label}' } set v(x) { this.#v = x } read() { return this.#v } }`
    const live2 = classFrom(split('old'))
    const running2 = construct(live2)
    patch(live2, classFrom(split('new')))
    expect(running2.v).toBe('new')
    running2.v = 5
    expect(running2.read()).toBe(5)
    expect(running.v).toBe(1)
  })

  test('super calls reach the same parent', () => {
    class Base {
      hello() {
        return 'base'
      }
    }
    const live = classFrom(`class W extends Base { hello() { return super.hello() + '!' } }`, { Base })
    const running = construct(live)
    patch(live, classFrom(`class W extends Base { hello() { return super.hello() + '?' } }`, { Base }))
    expect(running.hello()).toBe('base?')
  })

  test('symbol-keyed members are patched under their key', () => {
    const live = classFrom(`class W { *[Symbol.iterator]() { yield 1 } }`)
    const running = construct(live)
    patch(live, classFrom(`class W { *[Symbol.iterator]() { yield 1; yield 2 } }`))
    expect([...(running as Iterable<number>)]).toEqual([1, 2])
  })

  test('undo restores exactly the previous descriptors', () => {
    const { live, before } = liveAtV1()
    const running = construct(live)
    const { undo } = patch(live, classFrom(v2))
    expect(snapshot(live)).not.toEqual(before)
    undo()
    expect(snapshot(live)).toEqual(before)
    expect(running.step2()).toBe('two:')
    undo()
    expect(snapshot(live)).toEqual(before)
    // After the undo, the live class plans against its own members again.
    expect(planPatch(live, classFrom(v1))).toMatchObject({ mode: 'patch', noCodeChange: true })
  })

  test('a define that fails rolls every change back and says which', () => {
    const { live, before } = liveAtV1()
    const next = classFrom(v2)
    const plan = planPatch(live, next)
    // After planning, the last member to change stops being configurable (a plan cannot foresee it).
    Object.defineProperty(live, 'create', { configurable: false })
    const pinned = snapshot(live)
    expect(() => applyPatch(live, next, plan)).toThrow(
      /^Patching DebugWizard failed defining `static create` on DebugWizard \(TypeError: .*\); the changes made before it were undone\.$/,
    )
    expect(snapshot(live)).toEqual(pinned)
    expect((pinned as { prototype: unknown }).prototype).toEqual((before as { prototype: unknown }).prototype)
    expect(construct(live).step2()).toBe('two:')
  })

  test('rollback re-patches to another version (the first one included) and undo patches forward', () => {
    const live = classFrom(v1)
    const original = snapshot(live)
    const running = construct(live)
    const second = classFrom(v2)
    patch(live, second)
    const third = classFrom(edit(v2, ["'three'", "'THREE'"]))
    expect(patch(live, third).plan).toMatchObject({ changed: ['step3'] })
    expect(running.step3()).toBe('THREE')
    // Back to the second version: its class was never patched, its members are its own.
    const back = patch(live, second)
    expect(back.plan).toMatchObject({ changed: ['step3'] })
    expect(running.step3()).toBe('three')
    back.undo()
    expect(running.step3()).toBe('THREE')
    // Back to the first version: the live class's own members, as it was defined.
    const first = patch(live, live)
    expect(first.plan).toMatchObject({ changed: ['step2', 'get total', 'static create'], added: ['legacy'], removed: ['step3'] })
    expect(snapshot(live)).toEqual(original)
    first.undo()
    expect(running.step3()).toBe('THREE')
  })

  test('a plan is applied once, to the classes it was made for, and an undo only while it is the last patch', () => {
    const live = classFrom(v1)
    const next = classFrom(v2)
    const plan = planPatch(live, next)
    expect(() => applyPatch(live, classFrom(v2), plan)).toThrow('this plan was not made by planPatch for these two classes')
    expect(() => applyPatch(live, next, { mode: 'replace', reasons: ['x'] })).toThrow('the plan is a replace')
    expect(() => applyPatch(live, next, { ...plan })).toThrow('not made by planPatch')
    const undo = applyPatch(live, next, plan)
    expect(() => applyPatch(live, next, plan)).toThrow('it was patched since this plan was made; plan again')
    const later = patch(live, classFrom(v1))
    expect(() => undo()).toThrow('it was patched again since; undo that patch first')
    later.undo()
    live.prototype.step2 = function redefined() {}
    expect(() => undo()).toThrow('`step2` on DebugWizard.prototype changed since the patch; nothing was undone')
  })

  test('a copied static field takes the new value', () => {
    const live = classFrom(`class W { static hotReload = 'replace' }`)
    const next = classFrom(`class W { static hotReload = 'patch' }`)
    const plan = planPatch(live, next, { copiedStaticFields: ['hotReload'] })
    const undo = applyPatch(live, next, plan)
    expect((live as unknown as { hotReload: string }).hotReload).toBe('patch')
    undo()
    expect((live as unknown as { hotReload: string }).hotReload).toBe('replace')
  })
})
