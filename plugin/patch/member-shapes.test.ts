import { describe, expect, test } from 'vitest'
import { sameCode } from './code-text.ts'
import { describeClass, type ClassShape, type MemberShape } from './member-shapes.ts'

/** A class from its source, evaluated once (as a module evaluation makes one class object). */
function classFrom(source: string, scope: Record<string, unknown> = {}): Function {
  const names = Object.keys(scope)
  return new Function(...names, `'use strict'; return (${source})`)(...names.map((name) => scope[name])) as Function
}

function readable(cls: unknown): ClassShape {
  const shape = describeClass(cls)
  if (!shape.readable) throw new Error(shape.reason)
  return shape
}

function member(shape: ClassShape, label: string): MemberShape {
  const found = shape.members.find((each) => each.label === label)
  if (!found) throw new Error(`no member ${label} in ${shape.members.map((each) => each.label).join(', ')}`)
  return found
}

class Base {}

describe('describeClass', () => {
  const Wizard = classFrom(
    `class DebugWizard extends Base {
      static hotReload = 'patch'
      static { this.ready = true }
      #answers = []
      count = 0
      onNext = () => this.step2()
      handler = this.step1.bind(this)
      constructor() { super() }
      static create() { return new DebugWizard() }
      step1() { return 1 }
      step2() { return this.#answers.length }
      has(o) { return #answers in o }
      get total() { return this.count }
      set total(value) { this.count = value }
      static get version() { return 2 }
      #helper() { return super.toString() }
      [Symbol.iterator]() { return [][Symbol.iterator]() }
      'my-step'() {}
    }`,
    { Base },
  )
  const shape = readable(Wizard)

  test('every member: kind, label, placement', () => {
    expect(shape.members.map((each) => [each.kind, each.label, each.placement])).toEqual([
      ['static field', 'static hotReload', 'constructor'],
      ['static block', 'static block 1', 'constructor'],
      ['field', '#answers', 'instance'],
      ['field', 'count', 'instance'],
      ['field', 'onNext', 'instance'],
      ['field', 'handler', 'instance'],
      ['constructor', 'constructor', 'constructor'],
      ['static method', 'static create', 'constructor'],
      ['method', 'step1', 'prototype'],
      ['method', 'step2', 'prototype'],
      ['method', 'has', 'prototype'],
      ['getter', 'get total', 'prototype'],
      ['setter', 'set total', 'prototype'],
      ['static getter', 'static get version', 'constructor'],
      ['method', '#helper', 'instance'],
      ['method', '[Symbol.iterator]', 'prototype'],
      ['method', '"my-step"', 'prototype'],
    ])
    expect(shape.heritageSource).toBe('Base')
    expect(shape.privateNames).toEqual(['#answers', '#helper'])
    expect(shape.names).toEqual(['DebugWizard'])
  })

  test('what each member does that matters for a patch', () => {
    expect(member(shape, 'step2').facts.privateNames).toEqual(['answers'])
    expect(member(shape, 'has').facts.privateNames).toEqual(['answers'])
    expect(member(shape, 'step1').facts).toEqual({ privateNames: [], usesSuper: false, classNames: [], binds: [] })
    expect(member(shape, 'static create').facts.classNames).toEqual(['DebugWizard'])
    expect(member(shape, '#helper').facts.usesSuper).toBe(true)
    expect(member(shape, 'handler')).toMatchObject({ initializer: 'bound method', facts: { binds: ['step1'] } })
    expect(member(shape, 'onNext').initializer).toBe('arrow')
    expect(member(shape, 'count').initializer).toBe('value')
  })

  test('properties: keys read from the class (computed ones too), descriptors captured', () => {
    expect([...shape.prototypeProperties.keys()]).toEqual(['step1', 'step2', 'has', 'total', Symbol.iterator, 'my-step'])
    expect([...shape.staticProperties.keys()]).toEqual(['create', 'version'])
    const total = shape.prototypeProperties.get('total')!
    expect(total.get?.label).toBe('get total')
    expect(total.set?.label).toBe('set total')
    expect(total.descriptor.get).toBe(Object.getOwnPropertyDescriptor(Wizard.prototype, 'total')!.get)
    expect(shape.extras.constructor.has('ready')).toBe(true)
    expect(shape.problems).toEqual([])
  })

  test('a key held in a variable is found by its function', () => {
    const key = Symbol('step')
    const shape = readable(classFrom(`class W { [key]() { return 1 } static [String(key)]() {} }`, { key }))
    expect(shape.prototypeProperties.get(key)?.method?.label).toBe('[key]')
    expect([...shape.staticProperties.keys()]).toEqual(['Symbol(step)'])
  })

  test('a later member of the same key wins; a getter and a setter share one', () => {
    const shape = readable(classFrom(`class W { a() { return 1 } a() { return 2 } set b(v) {} b() {} get b() { return 3 } }`))
    expect(shape.members.map((each) => each.label)).toEqual(['a', 'get b'])
    expect(shape.members[0].text).toContain('2')
  })

  test('the text ignores comments, formatting, quotes, semicolons and trailing commas, not code', () => {
    const a = readable(classFrom(`class W { step() { const x = 'a'; return x + 1; } }`))
    const b = readable(
      classFrom(`class W {
      // a comment
      step () {
        const x = "a" /* another */
        return x +
          1
      }
    }`),
    )
    const c = readable(classFrom(`class W { step() { const x = 'a'; return x + 2; } }`))
    expect(a.members[0].text).toBe(b.members[0].text)
    expect(a.members[0].text).not.toBe(c.members[0].text)
    const text = (source: string) => readable(classFrom(source)).members[0].text
    expect(text(`class W { m() { return f(1, [2, 3,], { a: 1, },) } }`)).toBe(text(`class W { m() { return f(1, [2, 3], { a: 1 }) } }`))
    expect(text(`class W { m() { return 0x10 + 1e3 + 1n + /a/g.source } }`)).toBe(text(`class W { m() { return 16 + 1000 + 1n + /a/g.source } }`))
    // A line break can be code: \`a\n(b)\` is a call, \`a;\n(b)\` two statements.
    expect(text(`class W { m() { a\n(b) } }`)).not.toBe(text(`class W { m() { a;\n(b) } }`))
    expect(text(`class W { m() { return\na } }`)).not.toBe(text(`class W { m() { return a } }`))
    // Parentheses count (a false "changed" costs a reload; dropping them could merge \`(a + b) * c\` and \`a + b * c\`).
    expect(text(`class W { m() { return (a + b) * c } }`)).not.toBe(text(`class W { m() { return a + b * c } }`))
  })

  test('a method replaced after the class was defined (a decorator, an assignment) is a problem', () => {
    const Wizard = classFrom(`class W { step() { return 1 } }`)
    Wizard.prototype.step = function wrapped() {}
    expect(readable(Wizard).problems).toEqual([
      '`step` on its prototype is not the function the class body declares (replaced after the class was defined, e.g. by a decorator).',
    ])
  })

  test('what cannot be read is a reason, never a throw', () => {
    const Wizard = classFrom('class W {}')
    expect(describeClass(Wizard.bind(null))).toEqual({ readable: false, reason: expect.stringContaining('not written as a class') })
    expect(describeClass(new Proxy(Wizard, {}))).toEqual({ readable: false, reason: expect.stringContaining('[native code]') })
    expect(describeClass(Array)).toEqual({ readable: false, reason: expect.stringContaining('function Array()') })
    expect(describeClass(function Old() {})).toMatchObject({ readable: false })
    expect(describeClass(42)).toEqual({ readable: false, reason: 'it is not a class (number)' })
    const revocable = Proxy.revocable(Wizard, {})
    revocable.revoke()
    expect(describeClass(revocable.proxy)).toMatchObject({ readable: false })
  })
})

describe('sameCode', () => {
  test('comments and formatting are not code; anything else is, and so is what does not parse', () => {
    expect(sameCode(`const a = 'x'; // c\nexport function f() { return a }`, `const a = "x"\n\nexport function f () {\n  return a\n}`)).toBe(true)
    expect(sameCode('const a = 1', 'const a = 2')).toBe(false)
    expect(sameCode('const a: number = 1', 'const a: number = 1 // c')).toBe(false)
    expect(sameCode('const a: number = 1', 'const a: number = 1')).toBe(true)
  })
})
