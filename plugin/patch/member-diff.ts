import type { ClassShape, MemberShape } from './class-shape.ts'

/** A class's members by what a patch can do with them. */
export interface MemberGroups {
  constructor: MemberShape[]
  /** Instance fields, private ones included: initialized when an instance is built. */
  fields: MemberShape[]
  /** Static fields and static blocks: run once, when the class is defined. */
  statics: MemberShape[]
  /** Static fields whose value a patch copies (`PlanOptions.copiedStaticFields`). */
  copiedStatics: MemberShape[]
  /** Private methods and accessors: installed on each instance when it is built. */
  private: MemberShape[]
  /** Public methods, accessors and static methods: what a patch redefines. */
  public: MemberShape[]
}

export function memberGroups(shape: ClassShape, copiedStaticFields: ReadonlySet<string>): MemberGroups {
  const out: MemberGroups = { constructor: [], fields: [], statics: [], copiedStatics: [], private: [], public: [] }
  for (const member of shape.members) {
    if (member.kind === 'constructor') out.constructor.push(member)
    else if (member.kind === 'field') out.fields.push(member)
    else if (member.kind === 'static field' && member.key !== undefined && copiedStaticFields.has(String(member.key))) out.copiedStatics.push(member)
    else if (member.kind === 'static field' || member.kind === 'static block') out.statics.push(member)
    else if (member.isPrivate) out.private.push(member)
    else out.public.push(member)
  }
  return out
}

export interface MemberDiff {
  /** [live, new] pairs whose code differs. */
  changed: Array<[MemberShape, MemberShape]>
  added: MemberShape[]
  removed: MemberShape[]
  unchanged: number
  /** Same members, same code, same order. */
  same: boolean
}

/** Members matched by identity (kind and key), compared by normalised code. */
export function memberDiff(before: MemberShape[], after: MemberShape[]): MemberDiff {
  const beforeById = new Map(before.map((member) => [member.id, member]))
  const afterIds = new Set(after.map((member) => member.id))
  const changed: MemberDiff['changed'] = []
  const added: MemberShape[] = []
  let unchanged = 0
  for (const member of after) {
    const old = beforeById.get(member.id)
    if (!old) added.push(member)
    else if (old.text !== member.text) changed.push([old, member])
    else unchanged++
  }
  const removed = before.filter((member) => !afterIds.has(member.id))
  // Order matters for initializers (and a repeated id is two initializers): the sequences are compared too.
  const same = before.length === after.length && before.every((member, i) => member.id === after[i].id && member.text === after[i].text)
  return { changed, added, removed, unchanged, same }
}
