import { createContext } from "react";

// The designer's words in English and Hindi. The choice is the administrator's and is remembered in this browser.
// Activity names and descriptions come from the server's descriptors (with their Hindi forms), not from here.

export type Lang = "en" | "hi";

const words = {
  definitions: { en: "← Definitions", hi: "← परिभाषाएँ" },
  undo: { en: "Undo", hi: "पूर्ववत करें" },
  redo: { en: "Redo", hi: "फिर से करें" },
  save: { en: "Save draft", hi: "मसौदा सहेजें" },
  validate: { en: "Validate", hi: "जाँचें" },
  publish: { en: "Publish", hi: "प्रकाशित करें" },
  export: { en: "Export JSON", hi: "JSON निर्यात करें" },
  import: { en: "Import JSON…", hi: "JSON आयात करें…" },
  versions: { en: "Versions", hi: "संस्करण" },
  rules: { en: "Rules table", hi: "नियम तालिका" },
  palette: { en: "Palette", hi: "गतिविधियाँ जोड़ें" },
  paletteHint: { en: "Drag onto the canvas, or click to add in the middle.", hi: "कैनवास पर खींचें, या बीच में जोड़ने के लिए क्लिक करें।" },
  activities: { en: "Activities", hi: "इस प्रवाह की गतिविधियाँ" },
  displayName: { en: "Display name", hi: "प्रदर्शित नाम" },
  unsaved: { en: "unsaved changes", hi: "बिना सहेजे बदलाव" },
  published: { en: "published", hi: "प्रकाशित" },
  draft: { en: "draft", hi: "मसौदा" },
  signOut: { en: "Sign out", hi: "साइन आउट" },
  title: { en: "CaseFlow workflow designer", hi: "केसफ़्लो वर्कफ़्लो डिज़ाइनर" },
  level: { en: "Level", hi: "स्तर" },
  post: { en: "Post", hi: "पद" },
  limit: { en: "Limit (working days)", hi: "समय-सीमा (कार्य दिवस)" },
  warnAt: { en: "Warn at", hi: "चेतावनी" },
  onBreach: { en: "On breach", hi: "समय-सीमा बीतने पर" },
  rulesHint: {
    en: "Read from the flow: editing a cell edits its activity on the chart.",
    hi: "प्रवाह से बनी तालिका: किसी खाने में बदलाव चार्ट की उसी गतिविधि को बदलता है।",
  },
  noLevels: { en: "This flow has no escalation levels (no SLA timer after its start).", hi: "इस प्रवाह में कोई स्तर नहीं है (शुरुआत के बाद कोई SLA टाइमर नहीं)।" },
  brokenBreach: { en: "nothing — the chain is broken here", hi: "कुछ नहीं — यहाँ क्रम टूटा है" },
  csReview: { en: "Chief Secretary's review list", hi: "मुख्य सचिव की समीक्षा सूची" },
  duration: { en: "a plain duration (edit on the node)", hi: "सीधी अवधि (गतिविधि में बदलें)" },
  preview: { en: "Preview", hi: "पूर्वावलोकन" },
  tidy: { en: "Tidy layout", hi: "व्यवस्थित करें" },
  showAll: { en: "Show all connections", hi: "सभी संबंध दिखाएँ" },
  bundleJoins: { en: "Bundle shared joins", hi: "साझा मिलान समेटें" },
  tidyHint: { en: "Lay the levels out as lanes, left to right; your own positions are replaced (Undo brings them back).", hi: "स्तरों को बाएँ से दाएँ पंक्तियों में रखें; आपकी अपनी स्थितियाँ बदलेंगी (पूर्ववत करें से वापस)।" },
  tidied: { en: "Laid out as lanes, L1 to L4 from left to right; Undo puts your positions back.", hi: "L1 से L4 बाएँ से दाएँ रखे गए; पूर्ववत करें से पुरानी स्थितियाँ वापस।" },
  simulator: { en: "When would a case be due?", hi: "शिकायत की समय-सीमा कब होगी?" },
  registeredOn: { en: "Registered on (IST)", hi: "पंजीकरण (IST)" },
  district: { en: "District", hi: "ज़िला" },
  category: { en: "Category", hi: "श्रेणी" },
  simulate: { en: "Work out the due dates", hi: "समय-सीमाएँ निकालें" },
  due: { en: "Due", hi: "नियत समय" },
  whatIf: { en: "What if this draft were in force?", hi: "यदि यह मसौदा लागू हो तो?" },
  whatIfRun: { en: "Count the open cases", hi: "खुली शिकायतें गिनें" },
  openCases: { en: "Cases now at this level", hi: "इस स्तर पर अभी शिकायतें" },
  pastNow: { en: "Past the limit now", hi: "अभी समय-सीमा पार" },
  withinSoon: { en: "Due within 7 working days", hi: "7 कार्य दिवसों में नियत" },
  inForce: { en: "in force", hi: "लागू" },
  timeline: { en: "What happened to the case", hi: "शिकायत पर अब तक क्या हुआ" },
  waitingOn: { en: "Waiting for", hi: "किसकी प्रतीक्षा" },
  engineJournal: { en: "Engine journal (for support)", hi: "इंजन का लेखा (सहायता हेतु)" },
} as const;

export type WordKey = keyof typeof words;

export function say(key: WordKey, lang: Lang): string {
  return words[key][lang];
}

export function escalateTo(level: number, lang: Lang): string {
  return lang === "hi" ? `L${level} पर भेजें` : `escalate to L${level}`;
}

/** Who sits at a level: L1 and L2 in the district, the Head of Department at L3 (the Chief Secretary's order), the Secretary at L4. */
export function levelPost(level: number, lang: Lang): string {
  const en = ["", "district officer (L1)", "district head (L2)", "Head of Department", "Secretary"];
  const hi = ["", "ज़िला स्तरीय अधिकारी (L1)", "ज़िला प्रमुख (L2)", "विभागाध्यक्ष", "सचिव"];
  return (lang === "hi" ? hi : en)[level] ?? `L${level}`;
}

const key = "caseflow.designer.lang";

export function storedLang(): Lang {
  try {
    return window.localStorage.getItem(key) === "hi" ? "hi" : "en";
  } catch {
    return "en";
  }
}

export function storeLang(lang: Lang) {
  try { window.localStorage.setItem(key, lang); } catch { /* private mode: the choice lasts this page */ }
}

/** The language the administrator chose, for every part of the page. */
export const LangContext = createContext<Lang>("en");

/** Both languages of a sentence written where it is used (status lines and the like). */
export function t(lang: Lang, en: string, hi: string): string {
  return lang === "hi" ? hi : en;
}

const categoriesHi: Record<string, string> = {
  CaseFlow: "केसफ़्लो", "CaseFlow Review": "केसफ़्लो समीक्षा", Flow: "प्रवाह", Primitives: "मूल", Scheduling: "समय-सारणी", Console: "कंसोल", Branching: "शाखाएँ",
  Workflows: "वर्कफ़्लो", Composites: "संयुक्त गतिविधियाँ", Looping: "लूप", Composition: "वर्कफ़्लो जोड़ना", Scripting: "स्क्रिप्ट",
};

/** A palette category's name in the chosen language. */
export function categoryName(category: string, lang: Lang): string {
  return lang === "hi" ? categoriesHi[category] ?? category : category;
}

/** A case event in plain words: what an officer or administrator would say happened. */
export function eventWords(type: string, level: number | null, lang: Lang): string {
  const l = level ? `L${level}` : "";
  const en: Record<string, string> = {
    Registered: `Registered and assigned to the ${l} post`, NoteAdded: "Note added", InterimReply: "Interim reply given", Resolved: "Resolved by the officer",
    FeedbackRequested: "Complainant asked whether satisfied", FeedbackRecorded: "Complainant answered", FeedbackUnanswered: "Complainant did not answer",
    Closed: "Closed: complainant satisfied", Reopened: "Reopened", SpecialCloseProposed: "Special close proposed", SpecialCloseApproved: "Special close approved",
    SpecialCloseRejected: "Special close rejected", SpecialCloseUpheld: "Special close upheld in review", SpecialCloseReversed: "Special close reversed in review",
    TransferProposed: "Transfer proposed", TransferApproved: "Transfer approved", TransferRejected: "Transfer rejected", Escalated: `Escalated to ${l}`,
    SentBack: `Sent back to ${l}`, ForceClosed: "Force-closed", Assigned: `Assigned at ${l}`, DueTimeSet: `Time limit at ${l} started`, WarningRaised: `Warned: ${l} limit running out`,
    LimitBreached: `Time limit at ${l} ran out`, FlaggedHabitual: "Complainant flagged as habitual", NotificationSent: "Notice sent", ChiefSecretaryReview: "Put on the Chief Secretary's review list",
  };
  const hi: Record<string, string> = {
    Registered: `पंजीकृत, ${l} पद को सौंपी गई`, NoteAdded: "टिप्पणी जोड़ी गई", InterimReply: "अंतरिम उत्तर दिया गया", Resolved: "अधिकारी द्वारा निस्तारित",
    FeedbackRequested: "शिकायतकर्ता से संतुष्टि पूछी गई", FeedbackRecorded: "शिकायतकर्ता ने उत्तर दिया", FeedbackUnanswered: "शिकायतकर्ता ने उत्तर नहीं दिया",
    Closed: "बंद: शिकायतकर्ता संतुष्ट", Reopened: "फिर से खोली गई", SpecialCloseProposed: "विशेष निस्तारण प्रस्तावित", SpecialCloseApproved: "विशेष निस्तारण स्वीकृत",
    SpecialCloseRejected: "विशेष निस्तारण अस्वीकृत", SpecialCloseUpheld: "समीक्षा में विशेष निस्तारण यथावत", SpecialCloseReversed: "समीक्षा में विशेष निस्तारण पलटा गया",
    TransferProposed: "स्थानांतरण प्रस्तावित", TransferApproved: "स्थानांतरण स्वीकृत", TransferRejected: "स्थानांतरण अस्वीकृत", Escalated: `${l} पर भेजी गई`,
    SentBack: `${l} पर वापस भेजी गई`, ForceClosed: "बलपूर्वक बंद", Assigned: `${l} पर सौंपी गई`, DueTimeSet: `${l} की समय-सीमा शुरू`, WarningRaised: `चेतावनी: ${l} की समय-सीमा समाप्त होने को`,
    LimitBreached: `${l} की समय-सीमा बीत गई`, FlaggedHabitual: "शिकायतकर्ता आदतन चिह्नित", NotificationSent: "सूचना भेजी गई", ChiefSecretaryReview: "मुख्य सचिव की समीक्षा सूची में",
  };
  return (lang === "hi" ? hi : en)[type] ?? type;
}

/** A moment in India Standard Time, as officers read it. */
export function istText(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang === "hi" ? "hi-IN" : "en-IN", { timeZone: "Asia/Kolkata", weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false }) + " IST";
}
