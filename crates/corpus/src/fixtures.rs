//! Test fixtures: short hand-written Arabic news articles (three stories: a
//! summit, an earthquake, a cup final), analysed by the text layer with
//! entities marked by string search.

use marsad_doc::{Document, Entity, EntityType, Mention, Meta};

/// (id, published, title, text, entities as (id, type, surface forms)).
pub type Article = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, EntityType, &'static [&'static str])],
);

const SUMMIT_ENTS: &[(&str, EntityType, &[&str])] = &[
    (
        "org:arab-league",
        EntityType::Organization,
        &["الجامعة العربية", "جامعة الدول العربية"],
    ),
    ("place:riyadh", EntityType::Location, &["الرياض"]),
    ("country:SAU", EntityType::Country, &["السعودية", "المملكة"]),
    ("country:EGY", EntityType::Country, &["مصر", "المصري"]),
    ("country:JOR", EntityType::Country, &["الأردن", "الأردني"]),
    (
        "person:ahmed-aboul-gheit",
        EntityType::Person,
        &["أحمد أبو الغيط", "أبو الغيط"],
    ),
];

const QUAKE_ENTS: &[(&str, EntityType, &[&str])] = &[
    (
        "country:TUR",
        EntityType::Country,
        &["تركيا", "التركية", "التركي"],
    ),
    ("place:malatya", EntityType::Location, &["ملاطية"]),
    ("new:organization:افاد", EntityType::Organization, &["آفاد"]),
    ("country:SAU", EntityType::Country, &["السعودية", "المملكة"]),
];

const FINAL_ENTS: &[(&str, EntityType, &[&str])] = &[
    (
        "new:organization:الهلال",
        EntityType::Organization,
        &["الهلال"],
    ),
    (
        "new:organization:الاتحاد",
        EntityType::Organization,
        &["الاتحاد"],
    ),
    ("place:jeddah", EntityType::Location, &["جدة"]),
    ("country:SAU", EntityType::Country, &["السعودية"]),
];

pub const ARTICLES: &[Article] = &[
    (
        "summit-1",
        "2024-03-01",
        "انطلاق أعمال القمة العربية في الرياض",
        "انطلقت في الرياض اليوم أعمال القمة العربية بمشاركة قادة الدول الأعضاء في جامعة الدول العربية. \
         وقال الأمين العام أحمد أبو الغيط في الجلسة الافتتاحية إن القمة تنعقد في ظروف إقليمية صعبة تتطلب موقفا عربيا موحدا. \
         ويناقش القادة مشروع البيان الختامي الذي أعده وزراء الخارجية خلال اجتماعهم التحضيري أمس. \
         ويتضمن جدول الأعمال ملفات الأمن الغذائي والتكامل الاقتصادي ومكافحة الإرهاب وأزمة اللاجئين. \
         ووصل الرئيس المصري والعاهل الأردني إلى الرياض مساء الخميس على رأس وفدين رفيعين.",
        SUMMIT_ENTS,
    ),
    (
        "final-1",
        "2024-03-01",
        "الهلال والاتحاد في نهائي كأس الملك",
        "يلتقي فريقا الهلال والاتحاد مساء الجمعة في المباراة النهائية لبطولة كأس الملك على ملعب مدينة الملك عبدالله الرياضية في جدة. \
         وأكد مدرب الهلال أن لاعبيه جاهزون للمباراة بعد عودة المهاجم المصاب إلى التدريبات الجماعية. \
         في المقابل يعاني الاتحاد من غياب حارس مرماه الأساسي بسبب الإيقاف. \
         ونفدت تذاكر المباراة النهائية بعد ساعات من طرحها للبيع عبر التطبيق الرسمي للاتحاد السعودي لكرة القدم.",
        FINAL_ENTS,
    ),
    (
        "summit-2",
        "2024-03-02",
        "القمة العربية تختتم أعمالها ببيان يدعو إلى تضامن عربي",
        "اختتمت القمة العربية أعمالها في الرياض بإصدار البيان الختامي الذي دعا إلى تعزيز التضامن العربي ورفض التدخلات الخارجية. \
         وأعلن الأمين العام لجامعة الدول العربية أحمد أبو الغيط أن القادة وافقوا على إنشاء صندوق عربي للأمن الغذائي. \
         وأكد البيان الختامي للقمة دعم جهود التكامل الاقتصادي بين الدول الأعضاء وتوسيع منطقة التجارة الحرة. \
         وقرر القادة عقد القمة المقبلة في القاهرة بعد أن قبلت مصر استضافتها.",
        SUMMIT_ENTS,
    ),
    (
        "quake-1",
        "2024-03-02",
        "زلزال قوي يضرب ملاطية شرق تركيا",
        "ضرب زلزال بقوة 6.8 درجات على مقياس ريختر ولاية ملاطية شرق تركيا فجر السبت، وشعر به سكان الولايات المجاورة. \
         وقالت إدارة الكوارث والطوارئ التركية آفاد إن عشرات المباني انهارت في مركز الولاية وإن فرق الإنقاذ تبحث عن ناجين تحت الأنقاض. \
         وأعلنت السلطات مقتل 41 شخصا وإصابة أكثر من 300 آخرين في حصيلة أولية. \
         وسجلت محطات الرصد أكثر من مئة هزة ارتدادية خلال الساعات الأولى بعد الزلزال.",
        QUAKE_ENTS,
    ),
    (
        "final-2",
        "2024-03-03",
        "الهلال بطلا لكأس الملك بعد فوزه على الاتحاد",
        "توج الهلال بلقب كأس الملك بعد فوزه على الاتحاد بهدفين مقابل هدف في المباراة النهائية التي أقيمت في جدة مساء الجمعة. \
         وسجل مهاجم الهلال هدف الفوز في الدقيقة الأخيرة من الوقت الإضافي وسط احتفالات جماهيره في المدرجات. \
         وهذا هو اللقب الحادي عشر للهلال في تاريخ البطولة. \
         وتسلم قائد الفريق الكأس من ولي العهد في ختام المباراة النهائية.",
        FINAL_ENTS,
    ),
    (
        "quake-2",
        "2024-03-03",
        "ارتفاع حصيلة ضحايا زلزال ملاطية",
        "ارتفعت حصيلة ضحايا الزلزال الذي ضرب ولاية ملاطية شرق تركيا إلى 87 قتيلا ونحو 600 مصاب، وفق ما أعلنته إدارة الكوارث آفاد. \
         وتواصل فرق الإنقاذ البحث عن ناجين تحت أنقاض المباني المنهارة رغم البرد الشديد والهزات الارتدادية. \
         وأقامت السلطات التركية مخيمات لإيواء آلاف الأسر التي فقدت منازلها بعد الزلزال. \
         وأعلنت المملكة العربية السعودية إرسال طائرات إغاثة تحمل خياما ومواد غذائية إلى المناطق المتضررة.",
        QUAKE_ENTS,
    ),
    (
        "summit-3",
        "2024-03-04",
        "ترحيب واسع بقرارات القمة العربية",
        "لقيت قرارات القمة العربية التي اختتمت في الرياض ترحيبا واسعا في العواصم العربية. \
         ورحبت وزارة الخارجية المصرية بقرار إنشاء صندوق الأمن الغذائي، معتبرة أنه خطوة نحو تكامل اقتصادي حقيقي. \
         وقال الأمين العام أبو الغيط إن الجامعة العربية ستبدأ فورا تنفيذ قرارات القمة بالتنسيق مع الدول الأعضاء. \
         كما أشاد الأردن بالبيان الختامي ودعوته إلى التضامن العربي في مواجهة الأزمات.",
        SUMMIT_ENTS,
    ),
    (
        "quake-3",
        "2024-03-05",
        "انتهاء عمليات البحث في ملاطية",
        "أعلنت إدارة الكوارث والطوارئ التركية آفاد انتهاء عمليات البحث والإنقاذ في ولاية ملاطية بعد ثلاثة أيام من الزلزال. \
         وبلغت الحصيلة النهائية للزلزال 112 قتيلا و850 مصابا، فيما انهار أكثر من مئتي مبنى. \
         ضرب زلزال بقوة 6.8 درجات على مقياس ريختر ولاية ملاطية شرق تركيا فجر السبت، وشعر به سكان الولايات المجاورة. \
         وبدأت الحكومة التركية تقييم الأضرار تمهيدا لإعادة الإعمار وتعويض المتضررين من الزلزال.",
        QUAKE_ENTS,
    ),
    (
        "summit-4",
        "2024-04-03",
        "اجتماع لمتابعة قرارات القمة العربية",
        "عقد مندوبو الدول الأعضاء في جامعة الدول العربية اجتماعا في الرياض لمتابعة تنفيذ قرارات القمة العربية. \
         وقال الأمين العام أحمد أبو الغيط إن صندوق الأمن الغذائي سيبدأ عمله مطلع العام المقبل. \
         وناقش المندوبون خطوات التكامل الاقتصادي وتوسيع منطقة التجارة الحرة بين الدول الأعضاء.",
        SUMMIT_ENTS,
    ),
];

/// The story each article belongs to (by id prefix), for assertions.
pub fn story_of(id: &str) -> &str {
    id.split('-').next().unwrap_or(id)
}

/// Analyse one article into a document with entities found by string search.
pub fn document(a: &Article) -> Document {
    let (id, published, title, text, ents) = *a;
    let p = marsad_text::process(text, &Default::default(), None);
    let mut d = Document::from_processed(
        Meta {
            id: id.into(),
            published: Some(published.into()),
            title: Some(title.into()),
            source: Default::default(),
        },
        &p,
    );
    for &(eid, kind, forms) in ents {
        let mut mentions = Vec::new();
        for form in forms {
            for (b, _) in d.text.match_indices(form) {
                let start = d.text[..b].chars().count();
                mentions.push(Mention {
                    start,
                    end: start + form.chars().count(),
                    text: form.to_string(),
                });
            }
        }
        if mentions.is_empty() {
            continue;
        }
        d.entities.push(Entity {
            id: eid.into(),
            kind,
            name_en: None,
            name_ar: forms[0].into(),
            country: None,
            in_kb: !eid.starts_with("new:"),
            mentions,
        });
    }
    d
}

/// All articles, analysed, sorted by date, then id (the order the clusterer
/// expects).
pub fn documents() -> Vec<Document> {
    let mut d: Vec<Document> = ARTICLES.iter().map(document).collect();
    d.sort_by(|a, b| (&a.published, &a.id).cmp(&(&b.published, &b.id)));
    d
}
