import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, loadEnv, type ProxyOptions } from 'vite'

const root = fileURLToPath(new URL('.', import.meta.url))

// The Sobes API server. Override with `SOBES_API=http://host:port npm run dev`
// (or put SOBES_API in clients/web/.env.local).
const DEFAULT_API = 'http://127.0.0.1:8000'

export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, root, '')
  const target = env.SOBES_API || DEFAULT_API

  const proxy: Record<string, ProxyOptions> = {
    '/api': { target },
    '/socket.io': { target, ws: true },
    // the interview room's shared editor (y-websocket)
    '/yjs': { target, ws: true },
    '/healthz': { target },
    '/readyz': { target },
    '/metrics': { target },
  }

  return {
    base: '/',
    root,
    plugins: [react()],
    server: { proxy },
    preview: { proxy },
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // The code editor with its five language grammars is one lazy chunk (~780 kB, ~270 kB
      // gzipped), loaded only by the assessment and the hiring dashboard.
      chunkSizeWarningLimit: 900,
    },
  }
})
