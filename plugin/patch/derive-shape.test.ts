import { describe, expect, test } from 'vitest'
import { classFrom, edit } from '../../test/class-source.ts'
import type { ClassShape, UnreadableClass } from './class-shape.ts'
import { deriveShape } from './derive-shape.ts'
import { readClass } from './read-class.ts'

function full(cls: Function): ClassShape {
  const shape: ClassShape | UnreadableClass = readClass(cls)
  if (!shape.readable) throw new Error(shape.reason)
  return shape
}

/** Everything a plan or a later derivation reads of a shape, in comparable form. */
function comparable(shape: ClassShape): unknown {
  const properties = (map: ClassShape['prototypeProperties']) =>
    [...map].map(([key, property]) => [key, property.descriptor, property.method?.label, property.get?.label, property.set?.label])
  const layout = shape.layout!
  return {
    ...shape,
    prototypeProperties: properties(shape.prototypeProperties),
    staticProperties: properties(shape.staticProperties),
    layout: {
      source: layout.source,
      bodyStart: layout.bodyStart,
      skeleton: layout.skeleton,
      boundaries: [...layout.boundaries].sort((a, b) => a - b),
      staticCuts: [...layout.staticCuts.keys()].sort((a, b) => a - b),
      spans: layout.spans.map(({ member, ...span }) => ({ ...span, member: member?.label })),
    },
  }
}

/** The derived description of `after` (read against `before`) is the full read's, and was derived, not read. */
function expectDerived(before: string, after: string, scope: Record<string, unknown> = {}): void {
  const next = classFrom(after, scope)
  const derived = deriveShape(next, full(classFrom(before, scope)))
  expect(derived, 'derived').toBeDefined()
  expect(comparable(derived!)).toEqual(comparable(full(next)))
}

function expectFullRead(before: string, after: string, scope: Record<string, unknown> = {}): void {
  expect(deriveShape(classFrom(after, scope), full(classFrom(before, scope)))).toBeUndefined()
}

const step1 = 'step1(answer) { this.#answers.push(answer); return 1 }'
const step2 = 'step2() { return 2 }'
const accessors = 'get total() { return this.count }\n  set total(value) { this.count = value }'
const base = `class W extends Base {
  static kind = 'w'
  #answers = []
  count = 0
  constructor() { super() }
  step1(answer) { this.#answers.push(answer); return 1 }
  step2() { return 2 }
  get total() { return this.count }
  set total(value) { this.count = value }
  static create() { return new this() }
  [Symbol.iterator]() { return [][Symbol.iterator]() }
}`
class Base {}
const scope = { Base }

describe('deriveShape: the next version read from the one before', () => {
  test.each([
    ['a changed method', edit(base, ['return 2', 'return 22'])],
    [
      'a changed getter, setter and static method',
      edit(base, ['return this.count }', 'return this.count * 2 }'], ['this.count = value', 'this.count = +value'], ['new this()', 'new this(1)']),
    ],
    ['a comment and formatting inside a method', edit(base, ['step2() { return 2 }', 'step2 () {\n    // two\n    return 2;\n  }'])],
    ['an added method', edit(base, ['  step2()', '  step15() { return 15 }\n  step2()'])],
    ['a method added first and last', edit(base, ['  step1(', '  first() {}\n  step1('], ['  [Symbol.iterator]', '  last() {}\n  [Symbol.iterator]'])],
    ['a removed method', edit(base, ['  step2() { return 2 }\n', ''])],
    ['two methods swapped', edit(base, [step1 + '\n  ' + step2, step2 + '\n  ' + step1])],
    ['a getter that becomes a method', edit(base, [accessors, 'total() { return this.count }'])],
    ['a changed computed member', edit(base, ['return [][Symbol.iterator]()', 'return [1][Symbol.iterator]()'])],
    ['a method added with no whitespace around it', edit(base, ['step2() { return 2 }', 'step2() { return 2 }added() {}'])],
  ])('%s', (_, after) => expectDerived(base, after, scope))

  test('a chain of derivations reads as a full read would', () => {
    let shape = full(classFrom(base, scope))
    let source = base
    const changes: Array<[string, string]> = [
      ['return 2', 'return 3'],
      ['  step2()', '  extra() {}\n  step2()'],
      ['  extra() {}\n', ''],
    ]
    for (const [i, change] of changes.entries()) {
      source = edit(source, change)
      const next = classFrom(source, scope)
      const derived = deriveShape(next, shape)
      expect(derived, `derivation ${i}`).toBeDefined()
      expect(comparable(derived!)).toEqual(comparable(full(next)))
      shape = derived!
    }
  })

  const readInFull: Record<string, string> = {
    'a changed field': edit(base, ['count = 0', 'count = 1']),
    'a changed constructor': edit(base, ['super() }', 'super(); this.x = 1 }']),
    'a comment between members': edit(base, ['  step2()', '  // the second step\n  step2()']),
    'an added static method': edit(base, ['  static create()', '  static other() {}\n  static create()']),
    'a changed extends': edit(base, ['extends Base', 'extends (Base)']),
    'a private method': edit(base, ['  step2()', '  #helper() {}\n  step2()']),
  }
  test.each(Object.entries(readInFull))('%s: read in full', (_, after) => expectFullRead(base, after, scope))

  test('a function set after the class was defined, or one moved to another key: read in full', () => {
    const basis = full(classFrom(base, scope))
    const assigned = classFrom(base, scope)
    assigned.prototype.extra = function extra() {}
    expect(deriveShape(assigned, basis)).toBeUndefined()
    const moved = classFrom(base, scope)
    Object.defineProperty(moved.prototype, 'step2', { value: moved.prototype.step1 })
    expect(deriveShape(moved, basis)).toBeUndefined()
  })

  test('a method text that also appears in a string is never mistaken for the method', () => {
    const before = `class W { label = 'step() { return 1 }'; step() { return 1 } }`
    const after = `class W { label = 'step() { return 1 }'; step() { return 2 } }`
    const next = classFrom(after)
    // Either it declines (undefined: a full read follows) or it derives exactly what a full read gives.
    const derived = deriveShape(next, full(classFrom(before)))
    expect(derived && comparable(derived)).toEqual(derived && comparable(full(next)))
    const same = classFrom(before)
    const again = deriveShape(same, full(classFrom(before)))
    expect(again && comparable(again)).toEqual(again && comparable(full(same)))
  })
})

describe('deriveShape against full reads, on generated edits', () => {
  test('every derivation reads as a full read would (a method written twice with the same text may be placed at either)', () => {
    let seed = 7
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed % n
    }
    const templates: Array<(name: string, body: string) => string> = [
      (name, body) => `${name}(a) { ${body} }`,
      (name, body) => `get ${name}() { ${body} }`,
      (name, body) => `set ${name}(v) { this.x = v; ${body} }`,
      (name, body) => `static ${name}() { ${body} }`,
      (name, body) => `static get ${name}() { ${body} }`,
      (name, body) => `async ${name}() { await 1; ${body} }`,
      (name, body) => `*${name}() { yield 1; ${body} }`,
      (name, body) => `[key${name.length % 2}]() { ${body} }`,
      (name) => `${name} = 1`,
      (name) => `static ${name}Field = 1`,
      (name, body) => `#${name}() { ${body} }`,
      (_, body) => `/* ${body} */`,
    ]
    type Element = { template: number; name: string; body: string; space: string }
    const element = (): Element => ({
      template: random(templates.length),
      name: `m${random(8)}`,
      body: `return ${random(5)}`,
      space: ['\n  ', ' ', '', ';'][random(4)],
    })
    const render = (elements: Element[]) => `class W extends Base {${elements.map((e) => e.space + templates[e.template](e.name, e.body)).join('')}\n}`
    const scope = { Base, key0: Symbol('key'), key1: Symbol.iterator }
    const evaluate = (source: string) => {
      try {
        return classFrom(source, scope)
      } catch {
        return undefined
      }
    }
    const sorted = (shape: ClassShape) => {
      const byKey = (map: ClassShape['prototypeProperties']) => [...map.keys()].map(String).sort()
      const members = [...shape.members].sort((a, b) => (a.id < b.id ? -1 : 1))
      return { ...shape, members, prototypeProperties: byKey(shape.prototypeProperties), staticProperties: byKey(shape.staticProperties), layout: undefined }
    }
    let derivations = 0
    for (let round = 0; round < 150; round++) {
      let elements = Array.from({ length: 3 + random(6) }, element)
      const first = evaluate(render(elements))
      if (!first) continue
      let shape = full(first)
      for (let step = 0; step < 4 && shape.layout; step++) {
        const edited = elements.map((e) => ({ ...e }))
        const at = random(edited.length + 1)
        const what = random(4)
        if (what === 0 && edited[at]) edited[at].body = `return ${random(9)} // edited`
        else if (what === 1) edited.splice(at, 0, element())
        else if (what === 2 && edited[at]) edited.splice(at, 1)
        else if (edited[at]) edited[at].space = ['\n  ', ' ', '\n\n  '][random(3)]
        const next = evaluate(render(edited))
        if (!next) continue
        const derived = deriveShape(next, shape)
        const read = full(next)
        if (derived) {
          derivations++
          expect(sorted(derived)).toEqual(sorted(read))
        }
        shape = derived ?? read
        elements = edited
      }
    }
    expect(derivations).toBeGreaterThan(50)
  })
})
