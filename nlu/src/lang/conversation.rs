pub struct ConversationLanguage; pub struct LanguageDecision; pub struct LanguageHint; pub struct Switch;
