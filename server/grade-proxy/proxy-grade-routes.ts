import express, { type Request, type Response, type Router } from 'express'
import { z } from 'zod'
import type { LabStore } from '../store/lab-store.js'
import { PROXY_GRADE_PATHS } from './proxy-grade-paths.js'
import { getReportCard, listReportCards } from './proxy-grade-store.js'

const cardId = z.uuid()

/**
 * The stored report cards of `mitmlab grade-proxy` for the dashboard. Mounted
 * under /api beside the others, so http-app.ts's origin, host and token checks
 * apply. Read-only: grading starts products and is the CLI's job.
 */
export function createProxyGradeRouter(params: { store: LabStore }): Router {
  const router = express.Router()
  router.get(PROXY_GRADE_PATHS.list, (req: Request, res: Response) => {
    res.json(listReportCards(params.store.db, { latestPerProduct: req.query['all'] !== '1' }))
  })
  router.get(`${PROXY_GRADE_PATHS.card}/:id`, (req: Request, res: Response) => {
    const id = cardId.safeParse(req.params['id'])
    if (!id.success) {
      res.status(400).json({ code: 'INVALID_INPUT', message: 'id: a report card id (a UUID, from the list)' })
      return
    }
    const card = getReportCard(params.store.db, id.data)
    if (card === null) {
      res.status(404).json({ code: 'NOT_FOUND', message: `no report card ${id.data}` })
      return
    }
    res.json(card)
  })
  return router
}
