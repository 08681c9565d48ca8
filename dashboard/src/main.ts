import { createApp, watch } from 'vue'
import App from './App.vue'
import { readAccessToken } from './composables/client/access-token.js'
import { createReplayClient } from './composables/client/replay-client.js'
import { createSocketClient } from './composables/client/socket-client.js'
import { connectLab } from './composables/client/state.js'
import { replayRunParam } from './composables/params.js'
import './styles.css'

const token = readAccessToken()
// `#replay=RUN` reads a stored run over REST; anything else is the live lab.
const replayRunId = replayRunParam.value
connectLab(replayRunId === null ? createSocketClient({ token }) : createReplayClient(replayRunId, { token }))
// Editing `#replay=` in an open tab must show that run (or say it does not exist), never the one loaded before.
watch(replayRunParam, (next) => {
  if (next !== replayRunId) window.location.reload()
})
createApp(App).mount('#app')
