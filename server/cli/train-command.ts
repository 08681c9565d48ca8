import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import { loadOrCreateLabPki } from '../../ca/index.js'
import { findScenario, scenarios as allScenarios, type Scenario } from '../../scenarios/index.js'
import { runScenario } from '../../scenarios/runner.js'
import { LabBus } from '../bus/lab-bus.js'
import { resolveDataDir, storeFile } from '../config.js'
import { ConfigError, ScenarioError } from '../errors.js'
import { STEP_TITLES } from '../steps/step-ids.js'
import { LabStore } from '../store/lab-store.js'
import { gradePrediction, parsePrediction, PREDICTION_CHOICES, questionFor, type Prediction } from '../training/quiz.js'
import { listTraineeScores, recordTrainingAnswer } from '../training/training-store.js'
import { formatTable } from './format-table.js'

interface TrainOptions {
  name?: string
  count: string
  scenario?: string[]
  scores?: boolean
  dataDir?: string
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description('Training mode: predict which step catches each attack, then watch it run live')
    .option('-n, --name <trainee>', 'your name, for the trainer\'s score list')
    .option('-c, --count <n>', 'how many scenarios to play', '5')
    .option('-s, --scenario <id...>', 'play these scenarios, in this order')
    .option('--scores', 'list every trainee\'s score and exit')
    .option('--data-dir <dir>', 'PKI and SQLite location (default: $MITMLAB_DATA_DIR or ./data)')
    .action(async (options: TrainOptions) => {
      await trainCommand(options)
    })
}

async function trainCommand(options: TrainOptions): Promise<void> {
  const dataDir = resolveDataDir(options.dataDir)
  const store = new LabStore(storeFile(dataDir))
  const out = process.stdout
  try {
    if (options.scores === true) {
      const rows = listTraineeScores(store).map((s) => [s.trainee, `${s.correct}/${s.answered}`, `${Math.round((100 * s.correct) / s.answered)}%`, String(s.sessions), s.lastAnsweredAt])
      out.write(`${formatTable(['trainee', 'correct', 'score', 'sessions', 'last answer'], rows)}\n`)
      return
    }
    const trainee = options.name?.trim()
    if (trainee === undefined || trainee === '') throw new ConfigError('CONFIG_INVALID', 'train needs --name, so the trainer can see your score')
    const played = pickScenarios(options)
    const pki = loadOrCreateLabPki(dataDir)
    const sessionId = randomBytes(6).toString('hex')
    const input = createInterface({ input: process.stdin, terminal: false })
    const lines = input[Symbol.asyncIterator]()
    let correct = 0
    out.write(`Training for ${trainee}: ${played.length} attacks. For each, name the step that catches it (${PREDICTION_CHOICES.join(' ')}), NONE if nothing does.\n`)
    for (const [index, scenario] of played.entries()) {
      const question = questionFor(scenario)
      out.write(`\n[${index + 1}/${played.length}] ${question.title}  (${question.tags.join(', ')})\nYour prediction: `)
      const predicted = await readPrediction(lines, out)
      if (predicted === null) break
      const result = await runScenario({ pki, bus: new LabBus(), store: null }, scenario, { runId: `training-${sessionId}`, ordinal: index })
      const grade = gradePrediction(predicted, result)
      if (grade.isCorrect) correct += 1
      recordTrainingAnswer(store, {
        trainee,
        sessionId,
        scenarioId: scenario.id,
        predicted: grade.predicted,
        actual: grade.actual,
        correct: grade.isCorrect,
        answeredAt: new Date().toISOString(),
      })
      const caught = result.steps.find((step) => step.step === result.catchingStep)
      out.write(
        `${grade.isCorrect ? 'Correct' : 'Not quite'}: ${grade.actual === 'NONE' ? 'nothing caught it' : `${grade.actual} (${STEP_TITLES[grade.actual]}) caught it`}` +
          `${caught ? ` — ${caught.code ?? ''}: ${caught.message}` : ''}${result.leaked ? '; the credentials leaked to the proxy' : ''}.\n` +
          `${scenario.explanation}\nReferences: ${scenario.references.join(' · ')}\n`,
      )
    }
    input.close()
    out.write(`\n${trainee}: ${correct} correct. Scores: mitmlab train --scores\n`)
  } finally {
    store.close()
  }
}

async function readPrediction(lines: AsyncIterator<string>, out: NodeJS.WritableStream): Promise<Prediction | null> {
  for (;;) {
    const next = await lines.next()
    if (next.done === true) return null
    const prediction = parsePrediction(next.value)
    if (prediction !== null) return prediction
    out.write(`"${next.value.trim()}" is not a step; one of ${PREDICTION_CHOICES.join(' ')}: `)
  }
}

function pickScenarios(options: TrainOptions): Scenario[] {
  if (options.scenario !== undefined) {
    return options.scenario.map((id) => {
      const scenario = findScenario(id)
      if (scenario === undefined) throw new ScenarioError('SCENARIO_NOT_FOUND', `No scenario "${id}"`)
      return scenario
    })
  }
  const count = Number(options.count)
  if (!Number.isInteger(count) || count < 1) throw new ConfigError('CONFIG_INVALID', `--count must be a positive whole number, not "${options.count}"`)
  // The attacks, shuffled: controls teach little in a quiz.
  const attacks = allScenarios.filter((s) => s.kind === 'attack')
  return [...attacks].sort(() => Math.random() - 0.5).slice(0, count)
}
