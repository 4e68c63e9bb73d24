// Start GOV.UK Frontend's components. Relative to this file, so it works with hashed static names too.
import { initAll } from "../dist/govuk-frontend.min.js";

initAll();
