/**
 * Small pools of names and message texts, so archives and the demo read like a real
 * Page's inbox in its own language. Texts carry no meaning for the model.
 */

export type TextLanguage = 'fr' | 'en';

export function languageOf(locale: string): TextLanguage {
  return locale.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

export const FIRST_NAMES: Record<TextLanguage, readonly string[]> = {
  fr: ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Jade', 'Louise', 'Emma', 'Alice', 'Zoé', 'Lucas', 'Hugo', 'Louis', 'Nathan', 'Gabriel', 'Jules', 'Arthur', 'Raphaël', 'Théo', 'Maël', 'Sophie', 'Nicolas', 'Julien', 'Isabelle', 'Amine', 'Yasmine', 'Thomas', 'Claire', 'Antoine', 'Sarah'],
  en: ['Olivia', 'Emma', 'Charlotte', 'Amelia', 'Sophia', 'Ava', 'Mia', 'Chloe', 'Emily', 'Maya', 'Liam', 'Noah', 'William', 'Benjamin', 'Lucas', 'Ethan', 'Jack', 'Owen', 'Logan', 'Nathan', 'Priya', 'Wei', 'Mohamed', 'Isabelle', 'Gabriel', 'Aiden', 'Grace', 'Ryan', 'Hannah', 'Daniel'],
};

export const LAST_NAMES: Record<TextLanguage, readonly string[]> = {
  fr: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'David', 'Bertrand', 'Roux', 'Vincent', 'Fournier', 'Morel', 'Girard', 'André', 'Mercier', 'Dupont', 'Lambert', 'Bonnet', 'François', 'Martinez', 'Benali'],
  en: ['Smith', 'Brown', 'Tremblay', 'Martin', 'Roy', 'Wilson', 'MacDonald', 'Gagnon', 'Johnson', 'Taylor', 'Campbell', 'Anderson', 'Lee', 'Jones', 'White', 'Williams', 'Miller', 'Thompson', 'Young', 'Scott', 'Singh', 'Chen', 'Wong', 'Patel', 'Clark', 'Lewis', 'Walker', 'Hall', 'Nguyen', 'Kim'],
};

export const INBOUND_OPENERS: Record<TextLanguage, readonly string[]> = {
  fr: [
    'Bonjour, vous avez une table pour ce soir ?',
    'Bonjour ! Vous êtes ouverts dimanche ?',
    'Est-ce que vous faites des plats à emporter ?',
    'Bonsoir, je voudrais réserver pour 4 personnes samedi',
    'Vous avez des options végétariennes ?',
    'Bonjour, c’est possible de privatiser la salle ?',
    'Merci pour hier, c’était délicieux !',
    'Vous acceptez les chèques déjeuner ?',
    'Bonjour, quel est le menu du jour ?',
    'Il reste de la place à 20h ?',
  ],
  en: [
    'Hi, is this still in stock?',
    'Hello! When will my order ship?',
    'Do you ship to Vancouver?',
    'Hi there, can I change the size on my order?',
    'What are your store hours this weekend?',
    'Is there a discount code for first orders?',
    'Hey, I never got my tracking number',
    'Do you have this in blue?',
    'Can I return an item I bought last week?',
    'Hi, do you do gift wrapping?',
  ],
};

export const INBOUND_FOLLOW_UPS: Record<TextLanguage, readonly string[]> = {
  fr: ['Merci !', 'Parfait 👍', 'D’accord, à tout à l’heure', 'Super, merci beaucoup', 'Et pour 2 enfants ?', 'Ok ça marche', 'Top !'],
  en: ['Thanks!', 'Perfect 👍', 'Great, thank you', 'Ok sounds good', 'And how long does it take?', 'Awesome', 'Got it, thanks'],
};

export const CAMPAIGN_REPLIES: Record<TextLanguage, readonly string[]> = {
  fr: ['Je réserve pour 2 à 12h30 !', 'Encore de la place ?', 'Miam, on arrive', 'C’est valable ce soir aussi ?', 'Une table pour 3 svp', 'Stop'],
  en: ['Is this still available?', 'Can I get the code?', 'Does it apply to sale items?', 'Ordered, thanks!', 'How long does the offer last?', 'Stop'],
};

export const PAGE_REPLIES: Record<TextLanguage, readonly string[]> = {
  fr: [
    'Bonjour ! Oui, avec plaisir, à quelle heure ?',
    'C’est noté, à tout à l’heure 😊',
    'Oui, nous sommes ouverts de 12h à 14h30 et de 19h à 22h30.',
    'Bien sûr, tous nos plats existent à emporter.',
    'Merci beaucoup, à très bientôt !',
    'Oui, nous avons un menu végétarien.',
  ],
  en: [
    'Hi! Yes, it is in stock 😊',
    'Your order ships within 2 business days.',
    'Yes, we ship everywhere in Canada.',
    'Sure, just send us your order number.',
    'Thanks for reaching out! Here is your tracking link.',
    'Yes, returns are free within 30 days.',
  ],
};
