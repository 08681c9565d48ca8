import { editClientHelloStrategy } from './client-hello-tampering.js'
import { earlyCcsStrategy, heartbeatRequestStrategy } from './handshake-injection.js'
import { flipBitStrategy, injectStrategy, reorderStrategy, truncateStrategy } from './record-tampering.js'
import { pass } from './tamper-strategy.js'
import type { TamperSpec, TamperStrategy } from './tamper-strategy.js'

export function faithfulStrategy(): TamperStrategy {
  return { onRecord: pass, flush: () => [] }
}

/** A fresh strategy per connection, from the scenario's data description. */
export function strategyFromSpec(spec: TamperSpec): TamperStrategy {
  switch (spec.kind) {
    case 'faithful':
      return faithfulStrategy()
    case 'edit-client-hello':
      return editClientHelloStrategy(spec.edits)
    case 'flip-bit':
      return flipBitStrategy(spec.direction, spec.applicationIndex)
    case 'inject':
      return injectStrategy(spec.direction, spec.applicationIndex)
    case 'reorder':
      return reorderStrategy(spec.direction, spec.applicationIndex)
    case 'truncate':
      return truncateStrategy(spec.direction, spec.afterApplicationRecords)
    case 'early-ccs':
      return earlyCcsStrategy()
    case 'heartbeat-request':
      return heartbeatRequestStrategy()
  }
}
