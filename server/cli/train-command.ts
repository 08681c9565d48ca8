import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { findScenario, scenarios as allScenarios } from '../../scenarios/index.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../bus/lab-bus.js'
import { resolveDataDir, storeFile } from '../config.js'
import { ConfigError, ScenarioError } from '../errors.js'
import { STEP_TITLES } from '../steps/step-ids.js'
import { LabStore } from '../store/lab-store.js'
import { gradePrediction, parsePrediction, PREDICTION_CHOICES, questionFor, type Prediction } from '../training/quiz.js'
import { isQuizFamily, QUIZ_FAMILIES, QUIZ_FAMILY_IDS } from '../training/quiz-families.js'
import { advanceQuizSession, currentScenarioId, loadQuizSession, startQuizSession, type QuizSession } from '../training/quiz-session.js'
import { listTraineeScores, recordTrainingAnswer } from '../training/training-store.js'
import { formatTable } from './format-table.js'
import { wrapText } from './wrap-text.js'

interface TrainOptions {
  name?: string
  count: string
  family: string
  scenario?: string[]
  resume?: string
  scores?: boolean
  dataDir?: string
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Training mode: predict which step catches each attack, then watch it run live')
    .option('-n, --name <trainee>', 'your name, for the trainer\'s score list')
    .option('-c, --count <n>', 'how many attacks to play', '5')
    .option('-f, --family <family>', `the attacks to draw from: ${QUIZ_FAMILY_IDS.join(', ')}`, 'all')
    .option('-s, --scenario <id...>', 'play these scenarios, in this order')
    .option('--resume <quiz>', 'continue a quiz where you left it (its id is printed when it starts)')
    .option('--scores', 'list every trainee\'s score and exit')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action(async (options: TrainOptions) => {
      await trainCommand(options)
    })
}

/** Lines never wrap mid-word: the terminal's width, or 80 columns when the output is not a terminal. */
function terminalWidth(): number {
  return process.stdout.isTTY === true && process.stdout.columns > 20 ? process.stdout.columns : 80
}

async function trainCommand(options: TrainOptions): Promise<void> {
  const dataDir = resolveDataDir(options.dataDir)
  const store = new LabStore(storeFile(dataDir))
  const out = process.stdout
  const width = terminalWidth()
  const say = (text: string, indent = ''): void => {
    out.write(`${wrapText(text, width, { indent })}\n`)
  }
  try {
    if (options.scores === true) {
      const rows = listTraineeScores(store).map((s) => [s.trainee, `${s.correct}/${s.answered}`, `${Math.round((100 * s.correct) / s.answered)}%`, String(s.sessions), s.lastAnsweredAt])
      out.write(`${formatTable(['trainee', 'correct', 'score', 'sessions', 'last answer'], rows)}\n`)
      return
    }
    let session = openSession(store, options)
    const pki = loadOrCreateLabPki(dataDir)
    const input = createInterface({ input: process.stdin, terminal: false })
    const lines = input[Symbol.asyncIterator]()
    const total = session.scenarioIds.length
    say(
      `Training for ${session.trainee}: ${total} attacks${session.position > 0 ? `, resuming at ${session.position + 1} with ${session.correct} correct` : ''}. ` +
        `For each, name the step that catches it (${PREDICTION_CHOICES.join(' ')}), NONE if nothing does.`,
    )
    say('Leave any time; to continue where you left:')
    say(`  mitmlab train --resume ${session.id}`)
    for (let scenarioId = currentScenarioId(session); scenarioId !== null; scenarioId = currentScenarioId(session)) {
      const scenario = findScenario(scenarioId)
      if (scenario === undefined) throw new ScenarioError('SCENARIO_NOT_FOUND', `Quiz ${session.id} asks "${scenarioId}", which is no longer in the catalog`)
      const question = questionFor(scenario)
      out.write('\n')
      say(`[${session.position + 1}/${total}] ${question.title}${question.tags.length > 0 ? `  (${question.tags.map((t) => `#${t}`).join(' ')})` : ''}`, '  ')
      out.write('Your prediction: ')
      const predicted = await readPrediction(lines, out, width)
      if (predicted === null) break
      const result = await runScenario({ pki, bus: new LabBus(), store: null }, scenario, { runId: `training-${session.id}`, ordinal: session.position })
      const grade = gradePrediction(predicted, result)
      const sitting = session
      session = advanceQuizSession(store, session, scenario.id, grade.isCorrect, () =>
        recordTrainingAnswer(store, {
          trainee: sitting.trainee,
          sessionId: sitting.id,
          scenarioId: scenario.id,
          predicted: grade.predicted,
          actual: grade.actual,
          correct: grade.isCorrect,
          answeredAt: new Date().toISOString(),
        }),
      )
      const caught = result.steps.find((step) => step.step === result.catchingStep)
      say(
        `${grade.isCorrect ? 'Correct' : 'Not quite'}: ${grade.actual === 'NONE' ? 'nothing caught it' : `${grade.actual} (${STEP_TITLES[grade.actual]}) caught it`}` +
          `${caught ? ` — ${caught.code ?? ''}: ${caught.message}` : ''}${result.leaked ? '; the credentials leaked to the proxy' : ''}.`,
        '  ',
      )
      say(`${scenario.title} (#${scenario.tags.join(' #')})`, '  ')
      say(scenario.explanation)
      say(`References: ${scenario.references.join(' · ')}`, '  ')
    }
    input.close()
    out.write('\n')
    say(`${session.trainee}: ${session.correct} correct of ${session.position}. Scores: mitmlab train --scores`)
  } finally {
    store.close()
  }
}

/** A stored sitting: resumed by id, or started from --scenario, or drawn from --family and --count. */
function openSession(store: LabStore, options: TrainOptions): QuizSession {
  if (options.resume !== undefined) {
    const session = loadQuizSession(store, options.resume)
    if (session === null) throw new ConfigError('CONFIG_INVALID', `--resume: no quiz "${options.resume}" in ${store.file}`)
    return session
  }
  const trainee = options.name?.trim()
  if (trainee === undefined || trainee === '') throw new ConfigError('CONFIG_INVALID', 'train needs --name, so the trainer can see your score')
  if (options.scenario !== undefined) {
    for (const id of options.scenario) {
      if (findScenario(id) === undefined) throw new ScenarioError('SCENARIO_NOT_FOUND', `No scenario "${id}"`)
    }
    return startQuizSession(store, { trainee, family: 'all', count: options.scenario.length, catalog: allScenarios, scenarioIds: options.scenario })
  }
  if (!isQuizFamily(options.family)) {
    throw new ConfigError('CONFIG_INVALID', `--family must be one of ${QUIZ_FAMILY_IDS.join(', ')} (${QUIZ_FAMILIES.map((f) => `${f.id}: ${f.title}`).join('; ')}), not "${options.family}"`)
  }
  const count = Number(options.count)
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('CONFIG_INVALID', `--count must be a positive whole number, not "${options.count}"`)
  return startQuizSession(store, { trainee, family: options.family, count, catalog: allScenarios })
}

async function readPrediction(lines: AsyncIterator<string>, out: NodeJS.WritableStream, width: number): Promise<Prediction | null> {
  for (;;) {
    const next = await lines.next()
    if (next.done === true) return null
    // Piped answers are not echoed by a terminal: echo them, so the transcript reads line by line.
    if (process.stdin.isTTY !== true) out.write(`${next.value.trim()}\n`)
    const prediction = parsePrediction(next.value)
    if (prediction !== null) return prediction
    out.write(`${wrapText(`"${next.value.trim()}" is not a step; one of ${PREDICTION_CHOICES.join(' ')}:`, width)} `)
  }
}
