import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

// Built into the server's wwwroot and served at /designer/ on its HTTP/1.1 port.
export default defineConfig({
  base: "/designer/",
  plugins: [react()],
  build: {
    outDir: "../CaseFlow.Server/wwwroot/designer",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { "/designer/api": "http://127.0.0.1:5181", "/designer/login": "http://127.0.0.1:5181" },
  },
  test: {
    include: ["src/**/*.test.ts"],
  },
});
