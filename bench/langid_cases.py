"""Build bench/data/langid_cases.jsonl: labelled cases for bench/langid.py.

Every sentence, clause, snippet and cell below was written for this project (business
course language of the kind the lessons hold); nothing is copied from real pages.
The cases are generated deterministically from these lists (no randomness), so the file
can be rebuilt and diffed: ``python bench/langid_cases.py``.

Case schema (one JSON object per line):

* ``id``: stable name; ``type``: single_es | single_en | single_th | two_sentences |
  es_thai_clause | snippet | table_cell.
* ``segments``: list of texts (one for most types; a whole small document for
  ``table_cell``, where the earlier segments are the context).
* ``gold``: per segment, a list of ``[start, end, lang]`` ranges; every letter of a
  scored segment lies in exactly one range. Unscored (context) segments have ``null``.
* ``accept``: optional, per scored range, other labels a reader would also accept
  (words used alike in both languages, e.g. "marketing", judged without context).
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "langid_cases.jsonl"

ES = [
    "La propuesta de valor explica por qué un cliente nos elige a nosotros y no a la competencia.",
    "Cada segmento de clientes tiene necesidades distintas que debemos conocer bien.",
    "Los canales son los puntos de contacto entre la empresa y sus clientes.",
    "Una buena relación con los clientes aumenta la fidelidad y reduce los costes de captación.",
    "Las fuentes de ingresos muestran cómo gana dinero la empresa con cada segmento.",
    "Los recursos clave pueden ser físicos, intelectuales, humanos o financieros.",
    "¿Qué actividades son imprescindibles para que el modelo de negocio funcione?",
    "Los socios clave nos ayudan a reducir riesgos y a conseguir recursos que no tenemos.",
    "La estructura de costes recoge todos los gastos necesarios para operar el negocio.",
    "En esta lección vamos a estudiar los tipos de relación que una empresa puede establecer.",
    "El autoservicio no implica ninguna relación directa entre la empresa y el cliente.",
    "Las comunidades de usuarios permiten que los clientes compartan conocimientos entre ellos.",
    "Por ejemplo, una tienda de barrio conoce a sus clientes por su nombre.",
    "¡Recuerda que el cliente siempre debe estar en el centro de la estrategia!",
    "Si el precio es demasiado alto, perderemos a los clientes más sensibles al coste.",
    "Hay que analizar la competencia antes de lanzar un producto nuevo al mercado.",
    "El equipo de ventas visita a los distribuidores dos veces al mes.",
    "Una encuesta breve nos puede dar información muy útil sobre la satisfacción del cliente.",
    "Los servicios automatizados combinan el autoservicio con procesos informáticos.",
    "La empresa decidió abrir una tienda en línea para llegar a más personas.",
    "Esta actividad se puede hacer en grupos de tres o cuatro estudiantes.",
    "Escribe en tu cuaderno tres ejemplos de empresas que conozcas.",
    "El margen de beneficio depende tanto del precio como de los costes variables.",
    "Muchas pequeñas empresas no tienen un plan de negocio por escrito.",
    "La atención al cliente debe ser rápida, amable y eficaz.",
    "Los clientes satisfechos recomiendan la marca a sus amigos y familiares.",
    "Para medir la fidelidad se suele usar la tasa de repetición de compra.",
    "Un nicho de mercado es un grupo pequeño de clientes con necesidades muy concretas.",
    "El mercado masivo no distingue entre distintos segmentos de clientes.",
    "Las redes sociales se han convertido en un canal de comunicación imprescindible.",
    "En el sector turístico, la temporada alta cambia por completo la demanda.",
    "El proveedor nos envía la mercancía cada lunes por la mañana.",
    "¿Cuánto estaría dispuesto a pagar un cliente por este servicio?",
    "La cocreación implica a los clientes en el diseño de nuevos productos.",
    "Debemos definir con claridad el efecto que queremos causar en el mercado.",
    "Los costes fijos no cambian aunque vendamos más unidades.",
    "Las economías de escala reducen el coste por unidad cuando crece la producción.",
    "Un buen vendedor escucha más de lo que habla.",
    "La empresa ofrece asistencia personal exclusiva a sus clientes más importantes.",
    "El alquiler de equipos es una fuente de ingresos habitual en la construcción.",
    "Hoy en día casi todas las compras empiezan con una búsqueda en internet.",
    "El objetivo de este módulo es que sepas diseñar tu propio lienzo de negocio.",
    "Cada bloque del lienzo responde a una pregunta sencilla sobre el negocio.",
    "Las suscripciones generan ingresos recurrentes y previsibles.",
    "La publicidad en la radio local todavía funciona en muchos pueblos.",
    "Nuestra panadería vende pan recién hecho todos los días del año.",
    "Es conveniente revisar el modelo de negocio al menos una vez al año.",
    "Los estudiantes deben entregar el trabajo antes del viernes.",
    "Una marca fuerte transmite confianza y calidad.",
    "El precio dinámico cambia según la demanda en cada momento.",
    "Aquí tienes algunas preguntas para reflexionar sobre tu idea de negocio.",
    "La logística incluye el almacenamiento, el transporte y la entrega de los pedidos.",
    "No todos los clientes son igual de rentables para la empresa.",
    "El tiempo de respuesta es clave cuando un cliente presenta una queja.",
    "Las ferias comerciales sirven para conocer a nuevos socios y proveedores.",
    "Con estos datos podemos calcular el punto de equilibrio.",
    "Una franquicia permite crecer con la inversión de otros empresarios.",
    "Los pagos por uso son comunes en los servicios de telefonía.",
    "La tecnología facilita el contacto con los clientes a cualquier hora.",
    "El informe anual muestra un crecimiento del 12 % en las ventas.",
    "Sr. García, su pedido llegará el martes.",
    "Según el estudio, el 40 % de los clientes prefiere comprar por teléfono.",
    "En resumen, conocer al cliente es la base de cualquier estrategia comercial.",
    "Hay que escuchar las opiniones de los usuarios y actuar en consecuencia.",
    "Los descuentos por volumen animan a los clientes a comprar más cantidad.",
    "La venta cruzada consiste en ofrecer productos complementarios.",
    "Este ejercicio te ayudará a identificar a tus socios clave.",
    "Sin clientes no hay negocio, por muy buena que sea la idea.",
    "La calidad del servicio influye directamente en la reputación de la marca.",
    "El primer paso es dividir el mercado en grupos homogéneos.",
]

EN = [
    "The value proposition explains why customers choose one company over another.",
    "Each customer segment has different needs that the business must understand.",
    "Channels describe how a company reaches its customers and delivers value.",
    "Good customer relationships increase loyalty and lower the cost of acquisition.",
    "Revenue streams show how the business earns money from each segment.",
    "Key resources can be physical, intellectual, human or financial.",
    "Which activities are essential for the business model to work?",
    "Key partners help the company reduce risk and acquire resources.",
    "The cost structure lists every expense needed to run the business.",
    "In this lesson we look at the kinds of relationship a firm can build.",
    "Self-service means there is no direct relationship with the customer.",
    "User communities let customers share knowledge and solve problems together.",
    "For example, a corner shop knows most of its customers by name.",
    "Remember that the customer should always be at the centre of the strategy!",
    "If the price is too high, we will lose the most price-sensitive buyers.",
    "You should analyse the competition before launching a new product.",
    "The sales team visits the distributors twice a month.",
    "A short survey can tell us a lot about customer satisfaction.",
    "Automated services combine self-service with computer-based processes.",
    "The company opened an online store to reach more people.",
    "This activity can be done in groups of three or four students.",
    "Write down three examples of businesses that you know well.",
    "The profit margin depends on both the price and the variable costs.",
    "Many small firms do not have a written business plan.",
    "Customer service should be fast, friendly and effective.",
    "Happy customers recommend the brand to their friends and family.",
    "Loyalty is often measured by the repeat purchase rate.",
    "A niche market is a small group of customers with very specific needs.",
    "The mass market does not distinguish between customer segments.",
    "Social media has become an essential communication channel.",
    "In the tourism sector, the high season changes demand completely.",
    "Our supplier delivers the goods every Monday morning.",
    "How much would a customer be willing to pay for this service?",
    "Co-creation involves customers in the design of new products.",
    "We need to define clearly the effect we want to have on the market.",
    "Fixed costs stay the same even when we sell more units.",
    "Economies of scale lower the cost per unit as output grows.",
    "A good salesperson listens more than they talk.",
    "The firm offers dedicated personal assistance to its biggest clients.",
    "Equipment rental is a common revenue stream in construction.",
    "These days almost every purchase starts with a search on the web.",
    "The aim of this module is to help you design your own business canvas.",
    "Each block of the canvas answers a simple question about the business.",
    "Subscriptions create recurring and predictable income.",
    "Advertising on local radio still works in many small towns.",
    "Our bakery sells freshly baked bread every day of the year.",
    "It is a good idea to review the business model at least once a year.",
    "Students must hand in the assignment before Friday.",
    "A strong brand conveys trust and quality.",
    "Dynamic pricing changes with demand from one moment to the next.",
    "Here are some questions to help you reflect on your business idea.",
    "Logistics covers storage, transport and the delivery of orders.",
    "Not every customer is equally profitable for the company.",
    "Response time is critical when a customer makes a complaint.",
    "Trade fairs are a good place to meet new partners and suppliers.",
    "With these figures we can work out the break-even point.",
    "A franchise lets a brand grow with other people's investment.",
    "Pay-per-use pricing is common among phone companies.",
    "Technology makes it easy to contact customers at any hour.",
    "The annual report shows sales growth of 12% over the year.",
    "Mr. Smith, your order will arrive on Tuesday.",
    "According to the study, 40% of customers prefer to buy by phone.",
    "In short, knowing the customer is the basis of any sales strategy.",
    "Listen to what users say and act on it.",
    "Volume discounts encourage customers to buy larger quantities.",
    "Cross-selling means offering products that go well together.",
    "This exercise will help you identify your key partners.",
    "Without customers there is no business, however good the idea.",
    "Service quality has a direct effect on the reputation of the brand.",
    "The first step is to divide the market into similar groups.",
]

TH = [
    "ลูกค้าแต่ละกลุ่มมีความต้องการที่แตกต่างกัน",
    "บริษัทต้องเข้าใจว่าทำไมลูกค้าจึงเลือกสินค้าของเรา",
    "ช่องทางการขายเป็นจุดที่ธุรกิจพบกับลูกค้า",
    "ความสัมพันธ์ที่ดีกับลูกค้าช่วยเพิ่มความภักดีต่อแบรนด์",
    "รายได้ของธุรกิจมาจากการขายสินค้าและบริการ",
    "ทรัพยากรหลักอาจเป็นเงินทุน บุคลากร หรือความรู้",
    "พันธมิตรหลักช่วยลดความเสี่ยงของธุรกิจ",
    "โครงสร้างต้นทุนแสดงค่าใช้จ่ายทั้งหมดของบริษัท",
    "ในบทเรียนนี้เราจะศึกษาประเภทของความสัมพันธ์กับลูกค้า",
    "การบริการตนเองไม่มีการติดต่อโดยตรงกับพนักงาน",
    "ชุมชนผู้ใช้ช่วยให้ลูกค้าแลกเปลี่ยนความรู้กัน",
    "ร้านค้าเล็กๆ ในชุมชนรู้จักลูกค้าทุกคน",
    "อย่าลืมว่าลูกค้าต้องอยู่ตรงกลางของกลยุทธ์เสมอ",
    "ถ้าราคาสูงเกินไป เราจะเสียลูกค้าไป",
    "ควรวิเคราะห์คู่แข่งก่อนเปิดตัวสินค้าใหม่",
    "ทีมขายไปพบตัวแทนจำหน่ายเดือนละสองครั้ง",
    "แบบสอบถามสั้นๆ ให้ข้อมูลที่มีประโยชน์มาก",
    "บริษัทเปิดร้านค้าออนไลน์เพื่อเข้าถึงคนมากขึ้น",
    "กิจกรรมนี้ทำเป็นกลุ่มละสามถึงสี่คน",
    "จงเขียนตัวอย่างธุรกิจที่คุณรู้จักสามตัวอย่าง",
    "กำไรขึ้นอยู่กับราคาขายและต้นทุนผันแปร",
    "ธุรกิจขนาดเล็กหลายแห่งไม่มีแผนธุรกิจ",
    "การบริการลูกค้าต้องรวดเร็วและเป็นมิตร",
    "ลูกค้าที่พอใจจะแนะนำแบรนด์ให้เพื่อนและครอบครัว",
    "ตลาดเฉพาะกลุ่มคือกลุ่มลูกค้าขนาดเล็กที่มีความต้องการเฉพาะ",
    "สื่อสังคมออนไลน์กลายเป็นช่องทางสื่อสารที่สำคัญ",
    "ผู้จัดหาสินค้าส่งของให้เราทุกวันจันทร์",
    "ลูกค้ายินดีจ่ายเท่าไรสำหรับบริการนี้",
    "ต้นทุนคงที่ไม่เปลี่ยนแปลงแม้ว่าเราจะขายได้มากขึ้น",
    "พนักงานขายที่ดีฟังมากกว่าพูด",
    "การเช่าอุปกรณ์เป็นแหล่งรายได้ที่พบบ่อย",
    "การสมัครสมาชิกสร้างรายได้ที่สม่ำเสมอ",
    "ร้านเบเกอรี่ของเราขายขนมปังสดทุกวัน",
    "นักเรียนต้องส่งงานก่อนวันศุกร์",
    "แบรนด์ที่แข็งแกร่งสร้างความไว้วางใจ",
    "ระยะเวลาในการตอบกลับสำคัญมากเมื่อลูกค้าร้องเรียน",
    "เทคโนโลยีช่วยให้ติดต่อลูกค้าได้ตลอดเวลา",
    "รายงานประจำปีแสดงยอดขายที่เพิ่มขึ้นร้อยละ 12",
    "สรุปแล้ว การรู้จักลูกค้าคือพื้นฐานของกลยุทธ์การขาย",
    "ขั้นตอนแรกคือการแบ่งตลาดออกเป็นกลุ่มย่อย",
]

TH_CLAUSES = [
    "ซึ่งเป็นเรื่องสำคัญมาก",
    "ตัวอย่างเช่น",
    "เพื่อสร้างความไว้วางใจ",
    "โดยเฉพาะลูกค้าใหม่",
    "ตามที่กล่าวไว้ข้างต้น",
    "อย่างไรก็ตาม",
    "ในทางปฏิบัติ",
    "เพื่อเพิ่มยอดขาย",
    "สร้างภาพลักษณ์ที่ดี",
    "ต้องตอบให้กระชับ",
    "ทั้งทางตรงและทางอ้อม",
    "ซึ่งช่วยลดต้นทุน",
    "ในระยะยาว",
    "ผ่านช่องทางออนไลน์",
    "เหนือสิ่งอื่นใด",
    "ที่สำคัญที่สุด",
    "เช่น ร้านค้าปลีก",
    "กับพันธมิตรหลัก",
    "ของกลุ่มเป้าหมาย",
    "เพื่อรักษาลูกค้าไว้",
]

# (text, lang, also-acceptable) snippets of one to four words, without context.
# Shared words are judged as a reader would: a word used alike in both languages
# ("marketing", "total") accepts either; word order decides otherwise
# ("marketing digital" is Spanish, "digital marketing" English).
SNIPPETS_ES = """Propuesta de valor|Segmentos de clientes|Canales|Relaciones con los clientes|Fuentes de ingresos
Recursos clave|Actividades clave|Socios clave|Estructura de costes|Autoservicio|Servicio personal
Servicios automatizados|Comunidades|Cocreación|Mercado masivo|Nicho de mercado|Ventas|ventas
Precio|Cliente|clientes|Empresa|negocio|Lección 3|Módulo 2|Introducción|Conclusión|Resumen
Objetivos de aprendizaje|¿Por qué?|Tipos de clientes|fidelización|gastos fijos|costes variables
margen de beneficio|ganancias|crecimiento|estrategia|encuesta|entrevista|proveedores|distribución
tienda física|comercio electrónico|redes sociales|correo electrónico|llamada telefónica|presupuesto
factura|forma de pago|descuento|oferta y demanda|competencia|ventaja competitiva|marca|imagen de marca
público objetivo|cliente potencial|usuarios|suscripción|alquiler|licencia|publicidad|comisión
Ejemplo|Nota|Actividad|Ejercicio 4|Respuesta|Fuente|Más información|Ver también|Índice
Edad|Género|Ocupación|Ubicación del cliente|Estilo de vida|Región|Personalidad|Actitudes
Segmentación geográfica|Segmentación demográfica|Comportamiento|Lealtad|Tasa de uso
canal|Canal de ventas|Plan de marketing|Marketing digital|Marketing online|Total de ventas
Redes|cara a cara|por teléfono|Servicio postventa|Atención al cliente|Tienda|Pedido|Envío gratis
Costes|Ingresos|Gastos|Beneficios|Precio final|Pago único|Cuota mensual|Preguntas frecuentes
Punto de equilibrio|Cadena de suministro|Cuota de mercado|Boca a boca|Embudo de ventas
Flujo de caja|Partes interesadas|Opiniones|Resultados de la encuesta|Regístrate|Leer más
Descargar|Volver arriba|Contacto|Aviso legal|Lección siguiente|Bienvenidos|Tarea|Consejos prácticos
Caso práctico|Glosario|Evaluación|¡Enhorabuena!|Duración: 2 horas|Nivel básico|Paso 1""".replace("\n", "|").split("|")

SNIPPETS_EN = """Value proposition|Customer segments|Channels|Customer relationships|Revenue streams
Key resources|Key activities|Key partners|Cost structure|Self-service|Personal assistance
Automated services|Communities|Co-creation|Mass market|Niche market|Sales|Price|Customer
customers|Company|business|Lesson 3|Module 2|Introduction|Summary|Learning outcomes|Why?
Types of customers|fixed costs|variable costs|profit margin|earnings|growth|strategy|survey
interview|suppliers|physical store|e-commerce|social media|phone call|budget|invoice
payment method|discount|supply and demand|competition|competitive advantage|brand|brand image
target audience|potential customer|users|subscription|rental|licensing|advertising|commission
Example|Note|Activity|Exercise 4|Answer|Source|Further reading|See also|Contents
Age|Gender|Occupation|Customer location|Lifestyles|Region|Personality|Attitudes
Geographic|Demographic|Behavioural|Psychographic|Loyalty status|Rate of usage|Benefits sought
Readiness to purchase|Urban / Rural|Digital marketing|Online marketing|Marketing plan|Sales total
face to face|by phone|After-sales service|Customer service|Shop|Order|Free shipping
Costs|Revenue|Expenses|Profits|Final price|One-off payment|Monthly fee|Frequently asked questions
Break-even point|Supply chain|Market share|Word of mouth|Sales funnel|Cash flow|Stakeholders
Feedback|Survey results|Sign up|Read more|Download|Back to top|Contact us|Terms of use
Next lesson|Welcome|Homework|Practical tips|Case study|Glossary|Assessment|Well done!
Duration: 2 hours|Basic level|Step 1|Key takeaways|Churn rate|Lead generation""".replace("\n", "|").split("|")

SNIPPETS_SHARED = """marketing|online|total|Marketing|Online|Total|Social|digital|Plan|general|personal
idea|video|control|local|final|error|radio|hotel|Internet|web|software|e-mail|blog|Canvas
Email|Total: 250|Radio local|Hotel Central""".replace("\n", "|").split("|")

# Tables: (language, header, rows). Cells are scored; the document around them is context.
TABLES = [
    (
        "en",
        ["Geographic", "Demographic", "Behavioural", "Psychographic"],
        [
            ["Country", "Age", "Usage rate", "Lifestyle"],
            ["City size", "Income", "Loyalty", "Values"],
            ["Climate", "Education", "Occasion", "Interests"],
        ],
    ),
    (
        "en",
        ["Channel", "Cost", "Reach"],
        [["Online", "Low", "Global"], ["Retail store", "High", "Local"], ["Social media", "Low", "Total"]],
    ),
    (
        "en",
        ["Type", "Example", "Relationship"],
        [
            ["Personal", "Bank advisor", "Close"],
            ["Self-service", "Petrol station", "None"],
            ["Communities", "Online forum", "Shared"],
        ],
    ),
    (
        "en",
        ["Revenue stream", "Pricing", "Frequency"],
        [
            ["Asset sale", "Fixed", "One-off"],
            ["Subscription", "Monthly", "Recurring"],
            ["Advertising", "Per click", "Ongoing"],
        ],
    ),
    (
        "es",
        ["Canal", "Coste", "Alcance"],
        [["Online", "Bajo", "Global"], ["Tienda física", "Alto", "Local"], ["Redes sociales", "Bajo", "Total"]],
    ),
    (
        "es",
        ["Tipo", "Ejemplo", "Relación"],
        [
            ["Personal", "Asesor bancario", "Cercana"],
            ["Autoservicio", "Gasolinera", "Ninguna"],
            ["Comunidades", "Foro en línea", "Compartida"],
        ],
    ),
    (
        "es",
        ["Segmento", "Necesidad", "Canal"],
        [
            ["Jóvenes", "Precio bajo", "Móvil"],
            ["Familias", "Comodidad", "Tienda"],
            ["Empresas", "Factura", "Marketing directo"],
        ],
    ),
    (
        "es",
        ["Concepto", "Importe", "Notas"],
        [["Alquiler", "1.200 €", "Mensual"], ["Publicidad", "300 €", "Radio local"], ["Total", "1.500 €", "Sin IVA"]],
    ),
]


def _letters_range(text: str) -> tuple[int, int]:
    """The stripped extent of ``text`` (gold ranges cover it; only letters are scored)."""
    a = len(text) - len(text.lstrip())
    return a, len(text.rstrip())


def _single(kind: str, sentences: list[str], lang: str) -> list[dict]:
    return [
        {"id": f"{kind}-{i:03d}", "type": kind, "segments": [s], "gold": [[[0, len(s), lang]]]}
        for i, s in enumerate(sentences)
    ]


def _pairs() -> list[dict]:
    """Two sentences of different languages, in both orders, paired deterministically."""
    out = []
    combos = [
        ("es", ES, "en", EN),
        ("en", EN, "es", ES),
        ("es", ES, "th", TH),
        ("th", TH, "es", ES),
        ("en", EN, "th", TH),
        ("th", TH, "en", EN),
    ]
    for c, (la, xa, lb, xb) in enumerate(combos):
        for i in range(14):
            a = xa[(i * 5 + c) % len(xa)]
            b = xb[(i * 7 + 3 * c + 1) % len(xb)]
            text = f"{a} {b}"
            out.append(
                {
                    "id": f"two-{la}-{lb}-{i:02d}",
                    "type": "two_sentences",
                    "segments": [text],
                    "gold": [[[0, len(a), la], [len(a) + 1, len(text), lb]]],
                }
            )
    return out


def _thai_inserted() -> list[dict]:
    """A Spanish sentence with a Thai clause inserted after its middle word."""
    out = []
    for i in range(60):
        es = ES[(i * 3) % len(ES)]
        clause = TH_CLAUSES[i % len(TH_CLAUSES)]
        words = es.split(" ")
        k = max(1, len(words) // 2 + (i % 3) - 1)
        left = " ".join(words[:k])
        right = " ".join(words[k:])
        sep = ", " if i % 4 == 0 else " "
        text = f"{left} {clause}{sep}{right}"
        t0 = len(left) + 1
        t1 = t0 + len(clause)
        out.append(
            {
                "id": f"es-th-{i:02d}",
                "type": "es_thai_clause",
                "segments": [text],
                "gold": [[[0, len(left), "es"], [t0, t1, "th"], [t1, len(text), "es"]]],
            }
        )
    return out


def _snippets() -> list[dict]:
    out = []
    for lang, items in (("es", SNIPPETS_ES), ("en", SNIPPETS_EN), ("shared", SNIPPETS_SHARED)):
        for i, s in enumerate(items):
            s = s.strip()
            case = {"id": f"snippet-{lang}-{i:03d}", "type": "snippet", "segments": [s]}
            if lang == "shared":
                case["gold"] = [[[0, len(s), "es"]]]
                case["accept"] = [[["en"]]]
            else:
                case["gold"] = [[[0, len(s), lang]]]
            out.append(case)
    return out


def _tables() -> list[dict]:
    """One case per table and document language: heading, prose, then the cells."""
    out = []
    for t, (lang, header, rows) in enumerate(TABLES):
        for doc_lang, prose in (("es", ES), ("en", EN)):
            intro = [prose[(t * 4) % len(prose)], prose[(t * 4 + 1) % len(prose)]]
            cells = header + [c for row in rows for c in row]
            segments = intro + cells
            gold: list = [None, None] + [[[*_letters_range(c), lang]] for c in cells]
            out.append(
                {
                    "id": f"table-{t}-{lang}-in-{doc_lang}",
                    "type": "table_cell",
                    "segments": segments,
                    "gold": gold,
                    "blocks": [0, 1] + [2] * len(cells),
                }
            )
    return out


def build() -> list[dict]:
    cases = (
        _single("single_es", ES, "es")
        + _single("single_en", EN, "en")
        + _single("single_th", TH, "th")
        + _pairs()
        + _thai_inserted()
        + _snippets()
        + _tables()
    )
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return cases


def main() -> None:
    cases = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="\n") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {OUT}")


if __name__ == "__main__":
    main()
