import express, { type Router } from 'express'
import type { LabStore } from '../store/lab-store.js'
import { VisitorStore, type VisitorRow } from './visitor-store.js'

/** The dashboard's visitor list (issue 20): GET /api/visitors, newest first. */
export const VISITORS_PATH = '/api/visitors'

/**
 * Mounted in the dashboard server, behind its access policy (token, Origin):
 * the open lab's process writes visitors into the same store, and the
 * dashboard reads them. A store from before migration 007 has no visitors.
 */
export function createVisitorRouter(store: LabStore): Router {
  const router = express.Router()
  const visitors = new VisitorStore(store)
  router.get(VISITORS_PATH, (_request, response) => {
    const hasTable = store.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'open_visitors'").get() !== undefined
    const list: VisitorRow[] = hasTable ? visitors.listVisitors() : []
    response.json({ visitors: list })
  })
  return router
}
