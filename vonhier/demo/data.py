"""Fictional demo organisations and accounts for VON HIER (Berlin and Brandenburg)."""

ORGANISATIONS = [
    {
        "key": "hof-sonnenwiese",
        "legal_name": "Hof Sonnenwiese GbR",
        "display_name": "Hof Sonnenwiese",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Röddeliner Weg 7",
        "postcode": "17268",
        "town": "Templin",
        "state": "BB",
        "country": "DE",
        "lat": 53.1178,
        "lon": 13.5024,
        "phone": "+49 3987 204518",
        "email": "info@hof-sonnenwiese.example",
        "website": "https://hof-sonnenwiese.example",
        "description_de": (
            "Familie Brandt hält 45 Milchkühe der Rasse Angler Rotvieh auf 120 Hektar Weide- und Ackerland "
            "am Röddelinsee bei Templin. In der eigenen Hofkäserei entstehen Bergkäse, Quark und Joghurt, "
            "die es im Hofladen und freitags auf dem Templiner Markt gibt. Seit 1991 bewirtschaftet die "
            "Familie den Hof ihrer Großeltern wieder selbst."
        ),
        "description_en": (
            "The Brandt family keeps 45 Angeln Red dairy cows on 120 hectares of pasture and arable land by "
            "Lake Röddelin near Templin. Their own farm dairy makes mountain cheese, quark and yoghurt, sold "
            "in the farm shop and at the Friday market in Templin. Since 1991 the family has been running "
            "their grandparents' farm themselves again."
        ),
        "founding_year": 1991,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "molkerei-uckermark",
        "legal_name": "Molkerei Uckermark eG",
        "display_name": "Molkerei Uckermark",
        "kinds": ["processor"],
        "street": "Am Kiesberg 5",
        "postcode": "17291",
        "town": "Prenzlau",
        "state": "BB",
        "country": "DE",
        "lat": 53.3158,
        "lon": 13.8642,
        "phone": "+49 3984 871203",
        "email": "kontakt@molkerei-uckermark.example",
        "website": "https://molkerei-uckermark.example",
        "description_de": (
            "Genossenschaftsmolkerei von 38 Milchbetrieben aus der Uckermark, die täglich rund 60.000 Liter "
            "Milch zu Trinkmilch, Butter und Schnittkäse verarbeitet. Keiner der Mitgliedsbetriebe liegt "
            "weiter als 50 Kilometer von Prenzlau entfernt."
        ),
        "description_en": (
            "Cooperative dairy owned by 38 Uckermark dairy farms, processing around 60,000 litres of milk a "
            "day into drinking milk, butter and semi-hard cheese. None of the member farms is more than 50 "
            "kilometres from Prenzlau."
        ),
        "founding_year": 1998,
        "size_class": "medium",
        "control_body_code": "",
    },
    {
        "key": "seenfischerei-angermuende",
        "legal_name": "Seenfischerei Pahl GbR",
        "display_name": "Seenfischerei Angermünde",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Seeweg 3",
        "postcode": "16278",
        "town": "Angermünde",
        "state": "BB",
        "country": "DE",
        "lat": 53.0243,
        "lon": 13.9986,
        "phone": "+49 3331 296740",
        "email": "fisch@seenfischerei-pahl.example",
        "website": "https://seenfischerei-pahl.example",
        "description_de": (
            "Familie Pahl bewirtschaftet in dritter Generation 380 Hektar Seen rund um Angermünde und fängt "
            "Zander, Hecht, Schlei und Kleine Maräne. Geräuchert wird über Buchenholz in der eigenen "
            "Räucherei, verkauft direkt am Steg am Mündesee."
        ),
        "description_en": (
            "The Pahl family, now in its third generation, fishes 380 hectares of lakes around Angermünde "
            "for zander, pike, tench and vendace. The catch is smoked over beech wood in their own "
            "smokehouse and sold straight from the jetty on Lake Münde."
        ),
        "founding_year": 1952,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "agrar-unteres-odertal",
        "legal_name": "Agrarbetrieb Unteres Odertal GmbH",
        "display_name": "Agrarbetrieb Unteres Odertal",
        "kinds": ["producer"],
        "street": "Vierradener Chaussee 21",
        "postcode": "16303",
        "town": "Schwedt/Oder",
        "state": "BB",
        "country": "DE",
        "lat": 53.0587,
        "lon": 14.2836,
        "phone": "+49 3332 418265",
        "email": "buero@agrar-odertal.example",
        "website": "https://agrar-odertal.example",
        "description_de": (
            "Auf 1.400 Hektar rund um Schwedt bauen wir Roggen, Dinkel, Braugerste und Raps an, ein Viertel "
            "der Fläche seit 2015 ökologisch. Das Getreide geht an Mühlen, Bäckereien und Brauereien in "
            "Brandenburg und Berlin."
        ),
        "description_en": (
            "We grow rye, spelt, malting barley and rapeseed on 1,400 hectares around Schwedt, a quarter of "
            "it organically since 2015. The grain goes to mills, bakeries and breweries in Brandenburg and "
            "Berlin."
        ),
        "founding_year": 1991,
        "size_class": "medium",
        "control_body_code": "",
    },
    {
        "key": "ziegenhof-wukensee",
        "legal_name": "Ziegenhof Wukensee GbR",
        "display_name": "Ziegenhof Wukensee",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Wukenseeweg 9",
        "postcode": "16359",
        "town": "Biesenthal",
        "state": "BB",
        "country": "DE",
        "lat": 52.7664,
        "lon": 13.6336,
        "phone": "+49 3337 491027",
        "email": "hallo@ziegenhof-wukensee.example",
        "website": "https://ziegenhof-wukensee.example",
        "description_de": (
            "Katrin Wendt hält 60 Bunte Deutsche Edelziegen am Wukensee und verarbeitet die Milch in der "
            "Hofkäserei zu Frischkäse, Ziegencamembert und Käse nach Feta-Art. Im Frühjahr können Gäste beim "
            "Lämmern zuschauen, der Hofladen ist samstags geöffnet."
        ),
        "description_en": (
            "Katrin Wendt keeps 60 German Improved Fawn goats by Lake Wuken and turns the milk into fresh "
            "cheese, goat camembert and feta-style cheese in her farm dairy. In spring visitors can watch "
            "the kidding; the farm shop opens on Saturdays."
        ),
        "founding_year": 2009,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "imkerei-schorfheide",
        "legal_name": "Imkerei Schorfheide Lutz Behrendt e.K.",
        "display_name": "Imkerei Schorfheide",
        "kinds": ["producer"],
        "street": "Am Grimnitzsee 12",
        "postcode": "16247",
        "town": "Joachimsthal",
        "state": "BB",
        "country": "DE",
        "lat": 52.9734,
        "lon": 13.7463,
        "phone": "+49 33361 64219",
        "email": "honig@imkerei-schorfheide.example",
        "website": "https://imkerei-schorfheide.example",
        "description_de": (
            "Lutz Behrendt betreut 120 Bienenvölker an Standorten in der Schorfheide und am Grimnitzsee. Er "
            "erntet Linden-, Robinien- und Heidehonig und zieht Kerzen aus eigenem Bienenwachs."
        ),
        "description_en": (
            "Lutz Behrendt looks after 120 bee colonies at sites in the Schorfheide forest and on Lake "
            "Grimnitz. He harvests lime, black locust and heather honey and makes candles from his own "
            "beeswax."
        ),
        "founding_year": 1987,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "landmarkt-barnim",
        "legal_name": "Barnimer Landmarkt GmbH",
        "display_name": "Barnimer Landmarkt",
        "kinds": ["retailer"],
        "street": "Eisenbahnstraße 88",
        "postcode": "16225",
        "town": "Eberswalde",
        "state": "BB",
        "country": "DE",
        "lat": 52.8336,
        "lon": 13.8194,
        "phone": "+49 3334 382591",
        "email": "markt@barnimer-landmarkt.example",
        "website": "https://barnimer-landmarkt.example",
        "description_de": (
            "Regionaler Supermarkt mit 900 Quadratmetern Verkaufsfläche im Eberswalder Stadtzentrum. Rund 70 "
            "Prozent des Sortiments stammen aus Berlin und Brandenburg, an der Fleisch- und Käsetheke fast "
            "alles."
        ),
        "description_en": (
            "Regional supermarket with 900 square metres of sales space in the centre of Eberswalde. Around "
            "70 per cent of the range comes from Berlin and Brandenburg, and nearly everything at the meat "
            "and cheese counter."
        ),
        "founding_year": 2012,
        "size_class": "medium",
        "control_body_code": "",
    },
    {
        "key": "gemuesehof-hartmann",
        "legal_name": "Gemüsehof Hartmann GbR",
        "display_name": "Gemüsehof Hartmann",
        "kinds": ["producer", "outlet_operator"],
        "street": "Sietzinger Weg 4",
        "postcode": "15324",
        "town": "Letschin",
        "state": "BB",
        "country": "DE",
        "lat": 52.6405,
        "lon": 14.3571,
        "phone": "+49 33475 51386",
        "email": "post@gemuesehof-hartmann.example",
        "website": "https://gemuesehof-hartmann.example",
        "description_de": (
            "Auf 35 Hektar im fruchtbaren Oderbruch wachsen Möhren, Zwiebeln, Kohl, Kürbisse und Kartoffeln, "
            "im Sommer auch Tomaten aus ungeheizten Folientunneln. Der Hofladen hat freitags und samstags "
            "geöffnet."
        ),
        "description_en": (
            "Carrots, onions, cabbage, pumpkins and potatoes grow on 35 hectares of fertile Oderbruch soil, "
            "plus tomatoes from unheated polytunnels in summer. The farm shop opens on Fridays and "
            "Saturdays."
        ),
        "founding_year": 1994,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "gefluegelhof-seelow",
        "legal_name": "Geflügelhof Seelower Höhen GbR",
        "display_name": "Geflügelhof Seelower Höhen",
        "kinds": ["producer", "outlet_operator"],
        "street": "Werbiger Weg 18",
        "postcode": "15306",
        "town": "Seelow",
        "state": "BB",
        "country": "DE",
        "lat": 52.5253,
        "lon": 14.3816,
        "phone": "+49 3346 847120",
        "email": "eier@gefluegelhof-seelow.example",
        "website": "https://gefluegelhof-seelow.example",
        "description_de": (
            "2.400 Legehennen leben in vier Mobilställen, die jede Woche auf frisches Grünland umziehen. Die "
            "Bruderhähne werden mit aufgezogen, zu Martini gibt es Weidegänse."
        ),
        "description_en": (
            "2,400 laying hens live in four mobile henhouses that move to fresh pasture every week. The "
            "brother roosters are raised alongside them, and pasture-raised geese are available for St "
            "Martin's Day."
        ),
        "founding_year": 2011,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "weiderind-oderbruch",
        "legal_name": "Weiderind Oderbruch GbR",
        "display_name": "Weiderind Oderbruch",
        "kinds": ["producer"],
        "street": "Altranfter Straße 40",
        "postcode": "16259",
        "town": "Bad Freienwalde (Oder)",
        "state": "BB",
        "country": "DE",
        "lat": 52.7856,
        "lon": 14.0325,
        "phone": "+49 3344 159273",
        "email": "info@weiderind-oderbruch.example",
        "website": "",
        "description_de": (
            "Eine Mutterkuhherde von 140 Galloways steht das ganze Jahr auf 300 Hektar Oderwiesen bei Bad "
            "Freienwalde. Das Fleisch reift zwei Wochen am Knochen und wird als Mischpaket ab Hof verkauft."
        ),
        "description_en": (
            "A suckler herd of 140 Galloway cattle grazes 300 hectares of Oder meadows near Bad Freienwalde "
            "all year round. The beef is dry-aged on the bone for two weeks and sold as mixed boxes from the "
            "farm."
        ),
        "founding_year": 2003,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "fleischerei-hoffmann",
        "legal_name": "Fleischerei Hoffmann GmbH",
        "display_name": "Fleischerei Hoffmann",
        "kinds": ["processor", "retailer"],
        "street": "Freienwalder Straße 23",
        "postcode": "16269",
        "town": "Wriezen",
        "state": "BB",
        "country": "DE",
        "lat": 52.7161,
        "lon": 14.1361,
        "phone": "+49 33456 71548",
        "email": "laden@fleischerei-hoffmann.example",
        "website": "https://fleischerei-hoffmann.example",
        "description_de": (
            "Handwerksfleischerei in vierter Generation, die im eigenen Schlachthaus ausschließlich Tiere "
            "von Höfen aus dem Oderbruch schlachtet. Bekannt sind die Oderbrucher Knacker, die Sülze und die "
            "Kesselwurst am Schlachtetag donnerstags."
        ),
        "description_en": (
            "Fourth-generation craft butcher that slaughters only animals from Oderbruch farms in its own "
            "abattoir. It is known for its Oderbruch smoked sausages, its brawn and the fresh kettle sausage "
            "on slaughter-day Thursdays."
        ),
        "founding_year": 1908,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "mosterei-maerkische-schweiz",
        "legal_name": "Süßmosterei Märkische Schweiz e.K.",
        "display_name": "Mosterei Märkische Schweiz",
        "kinds": ["processor"],
        "street": "Buckower Straße 61",
        "postcode": "15374",
        "town": "Müncheberg",
        "state": "BB",
        "country": "DE",
        "lat": 52.5034,
        "lon": 14.1347,
        "phone": "+49 33432 89417",
        "email": "saft@mosterei-ms.example",
        "website": "https://mosterei-ms.example",
        "description_de": (
            "Die kleine Lohnmosterei presst jeden Herbst Äpfel aus rund 600 Privatgärten und von "
            "Streuobstwiesen der Märkischen Schweiz. Daraus entstehen naturtrüber Apfelsaft, Apfel-Quitte "
            "und ein trockener Cidre."
        ),
        "description_en": (
            "Each autumn this small custom cider press presses apples from about 600 private gardens and "
            "traditional orchards of the Märkische Schweiz. The result is cloudy apple juice, apple-quince "
            "juice and a dry cider."
        ),
        "founding_year": 1996,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "gurkenhof-lehmann",
        "legal_name": "Gurkenhof Lehmann GbR",
        "display_name": "Spreewälder Gurkenhof Lehmann",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Dammstraße 9",
        "postcode": "03222",
        "town": "Lübbenau/Spreewald",
        "state": "BB",
        "country": "DE",
        "lat": 51.8672,
        "lon": 13.9664,
        "phone": "+49 3542 403719",
        "email": "gurken@gurkenhof-lehmann.example",
        "website": "https://gurkenhof-lehmann.example",
        "description_de": (
            "Uwe Lehmann baut auf zwölf Hektar Einlegegurken an und legt sie nach dem Rezept seiner "
            "Großmutter mit Dill, Senfkörnern und Weinblättern ein. Im Sommer gibt es die Gurken frisch aus "
            "dem Fass im Hofladen am Kahnhafen."
        ),
        "description_en": (
            "Uwe Lehmann grows pickling cucumbers on twelve hectares and pickles them to his grandmother's "
            "recipe with dill, mustard seeds and vine leaves. In summer the gherkins are sold fresh from the "
            "barrel in the farm shop by the punt harbour."
        ),
        "founding_year": 1990,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "spreewaldfischerei-noack",
        "legal_name": "Spreewaldfischerei Noack GbR",
        "display_name": "Spreewaldfischerei Noack",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Am Hafen 4",
        "postcode": "03096",
        "town": "Burg (Spreewald)",
        "state": "BB",
        "country": "DE",
        "lat": 51.8347,
        "lon": 14.1503,
        "phone": "+49 35603 61842",
        "email": "fisch@spreewaldfischerei-noack.example",
        "website": "https://spreewaldfischerei-noack.example",
        "description_de": (
            "Sabine und Frank Noack ziehen Karpfen, Schleie und Hechte in 45 Hektar naturnahen Teichen "
            "zwischen den Fließen von Burg. Fisch gibt es frisch, geräuchert oder als Fischbrötchen am "
            "Hofstand."
        ),
        "description_en": (
            "Sabine and Frank Noack raise carp, tench and pike in 45 hectares of near-natural ponds among "
            "the waterways of Burg. Fish is sold fresh, smoked or in rolls at their farm stand."
        ),
        "founding_year": 1936,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "gasthaus-spreeaue",
        "legal_name": "Gasthaus Spreeaue GmbH",
        "display_name": "Gasthaus Spreeaue",
        "kinds": ["retailer"],
        "street": "Spreeweg 11",
        "postcode": "15907",
        "town": "Lübben (Spreewald)",
        "state": "BB",
        "country": "DE",
        "lat": 51.9419,
        "lon": 13.8964,
        "phone": "+49 3546 279304",
        "email": "tisch@gasthaus-spreeaue.example",
        "website": "https://gasthaus-spreeaue.example",
        "description_de": (
            "Gasthaus mit 80 Plätzen und Terrasse an der Spree in Lübben. Die Wochenkarte kocht mit Fisch, "
            "Gemüse und Leinöl aus dem Spreewald, Quark mit Leinöl gibt es jeden Tag."
        ),
        "description_en": (
            "Restaurant with 80 seats and a terrace on the Spree in Lübben. The weekly menu cooks with fish, "
            "vegetables and linseed oil from the Spreewald, and quark with linseed oil is served every day."
        ),
        "founding_year": 2007,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "landbaeckerei-kubitz",
        "legal_name": "Landbäckerei Kubitz GmbH",
        "display_name": "Landbäckerei Kubitz",
        "kinds": ["processor", "retailer"],
        "street": "Cottbuser Straße 17",
        "postcode": "03226",
        "town": "Vetschau/Spreewald",
        "state": "BB",
        "country": "DE",
        "lat": 51.7834,
        "lon": 14.0663,
        "phone": "+49 35433 58261",
        "email": "info@landbaeckerei-kubitz.example",
        "website": "https://landbaeckerei-kubitz.example",
        "description_de": (
            "Seit 1926 backt Familie Kubitz in Vetschau Roggenbrot aus Lausitzer Getreide im Steinofen. "
            "Heute gehören zwei Filialen im Spreewald und ein Verkaufswagen für die Dörfer dazu."
        ),
        "description_en": (
            "The Kubitz family has been baking rye bread from Lusatian grain in a stone oven in Vetschau "
            "since 1926. Today the bakery also runs two shops in the Spreewald and a sales van for the "
            "villages."
        ),
        "founding_year": 1926,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "obsthof-ribbeck",
        "legal_name": "Obsthof Ribbeck GbR",
        "display_name": "Obsthof Ribbeck",
        "kinds": ["producer", "outlet_operator"],
        "street": "Theodor-Fontane-Straße 27",
        "postcode": "14641",
        "town": "Ribbeck",
        "state": "BB",
        "country": "DE",
        "lat": 52.6244,
        "lon": 12.7517,
        "phone": "+49 33237 85916",
        "email": "birnen@obsthof-ribbeck.example",
        "website": "https://obsthof-ribbeck.example",
        "description_de": (
            "Ganz im Sinne Fontanes pflegen wir acht Hektar Streuobstwiesen mit über 40 alten Birnen- und "
            "Apfelsorten. Im Hofladen gibt es Birnensaft, Dörrbirnen und im Herbst Obst zum Selbstpflücken."
        ),
        "description_en": (
            "In the spirit of Fontane's famous poem we tend eight hectares of traditional orchards with more "
            "than 40 old pear and apple varieties. The farm shop sells pear juice, dried pears and, in "
            "autumn, pick-your-own fruit."
        ),
        "founding_year": 2004,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "stadtmuehle-nauen",
        "legal_name": "Stadtmühle Nauen Gebr. Krüger GmbH",
        "display_name": "Stadtmühle Nauen",
        "kinds": ["processor"],
        "street": "Mühlenweg 6",
        "postcode": "14641",
        "town": "Nauen",
        "state": "BB",
        "country": "DE",
        "lat": 52.6047,
        "lon": 12.8786,
        "phone": "+49 3321 746152",
        "email": "mehl@stadtmuehle-nauen.example",
        "website": "https://stadtmuehle-nauen.example",
        "description_de": (
            "Die Walzenmühle von 1899 vermahlt jährlich rund 4.000 Tonnen Roggen, Weizen und Dinkel von "
            "Höfen aus dem Havelland und der Uckermark. Neben Mehl und Schrot stellt sie Haferflocken für "
            "Schulküchen her."
        ),
        "description_en": (
            "This roller mill dating from 1899 grinds around 4,000 tonnes of rye, wheat and spelt a year "
            "from farms in the Havelland and the Uckermark. Besides flour and meal it produces oat flakes "
            "for school kitchens."
        ),
        "founding_year": 1899,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "weideschwein-havelland",
        "legal_name": "Havelländer Weideschwein GbR",
        "display_name": "Havelländer Weideschwein",
        "kinds": ["producer"],
        "street": "Havelweg 12",
        "postcode": "14712",
        "town": "Rathenow",
        "state": "BB",
        "country": "DE",
        "lat": 52.6044,
        "lon": 12.3372,
        "phone": "+49 3385 519378",
        "email": "info@havel-weideschwein.example",
        "website": "https://havel-weideschwein.example",
        "description_de": (
            "Rund 200 Angler Sattelschweine leben ganzjährig im Freiland auf 25 Hektar an der Havel bei "
            "Rathenow. Die Ferkel stammen aus eigener Zucht, geschlachtet wird bei einer Fleischerei in 20 "
            "Kilometern Entfernung."
        ),
        "description_en": (
            "Around 200 Angeln Saddleback pigs live outdoors all year on 25 hectares along the Havel near "
            "Rathenow. The piglets come from our own breeding, and slaughtering takes place at a butcher 20 "
            "kilometres away."
        ),
        "founding_year": 2014,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "schaeferei-flaeming",
        "legal_name": "Schäferei Niederer Fläming GbR",
        "display_name": "Schäferei Niederer Fläming",
        "kinds": ["producer"],
        "street": "Zinnaer Straße 30",
        "postcode": "14913",
        "town": "Jüterbog",
        "state": "BB",
        "country": "DE",
        "lat": 51.9937,
        "lon": 13.0732,
        "phone": "+49 3372 442791",
        "email": "schaefer@schaeferei-flaeming.example",
        "website": "",
        "description_de": (
            "Schäfer Tom Riedel zieht mit 450 Merinolandschafen und Skudden über die Heiden ehemaliger "
            "Truppenübungsplätze im Niederen Fläming und hält so die Landschaft offen. Lammfleisch und Wolle "
            "verkauft er auf Bestellung."
        ),
        "description_en": (
            "Shepherd Tom Riedel moves 450 Merino land sheep and Skudde sheep across the heathland of former "
            "military training areas in the Lower Fläming, keeping the landscape open. He sells lamb and "
            "wool to order."
        ),
        "founding_year": 1998,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "brauhaus-belzig",
        "legal_name": "Brauhaus Belziger Land GmbH",
        "display_name": "Brauhaus Belziger Land",
        "kinds": ["processor", "retailer"],
        "street": "Brücker Landstraße 22",
        "postcode": "14806",
        "town": "Bad Belzig",
        "state": "BB",
        "country": "DE",
        "lat": 52.1428,
        "lon": 12.5953,
        "phone": "+49 33841 79325",
        "email": "prost@brauhaus-belzig.example",
        "website": "https://brauhaus-belzig.example",
        "description_de": (
            "Die kleine Brauerei braut jährlich 800 Hektoliter Landbier, Dunkles und ein Sommerbier mit "
            "Kräutern aus Wiesenburg. Die Braugerste wächst im Fläming, ausgeschenkt wird in der eigenen "
            "Schankstube."
        ),
        "description_en": (
            "This small brewery makes 800 hectolitres a year of country lager, dark beer and a summer beer "
            "brewed with herbs from Wiesenburg. The malting barley grows in the Fläming, and the beer is "
            "served in the brewery's own taproom."
        ),
        "founding_year": 2016,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "kraeutergarten-flaeming",
        "legal_name": "Kräutergarten Hoher Fläming GbR",
        "display_name": "Kräutergarten Hoher Fläming",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Am Schlosspark 8",
        "postcode": "14827",
        "town": "Wiesenburg/Mark",
        "state": "BB",
        "country": "DE",
        "lat": 52.1167,
        "lon": 12.4497,
        "phone": "+49 33849 50738",
        "email": "tee@kraeutergarten-flaeming.example",
        "website": "https://kraeutergarten-flaeming.example",
        "description_de": (
            "Auf drei Hektar wachsen Pfefferminze, Zitronenmelisse, Ringelblume und Thymian, die von Hand "
            "geerntet und schonend getrocknet werden. Daraus mischen wir Tees und Kräutersalze, die es im "
            "Hofladen am Schlosspark gibt."
        ),
        "description_en": (
            "Peppermint, lemon balm, calendula and thyme grow on three hectares and are harvested by hand "
            "and gently dried. We blend them into teas and herb salts, sold in our farm shop by the palace "
            "park."
        ),
        "founding_year": 2010,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "oelmuehle-prignitz",
        "legal_name": "Prignitzer Ölmühle GmbH",
        "display_name": "Prignitzer Ölmühle",
        "kinds": ["processor"],
        "street": "Wittenberger Straße 77",
        "postcode": "19348",
        "town": "Perleberg",
        "state": "BB",
        "country": "DE",
        "lat": 53.0758,
        "lon": 11.8603,
        "phone": "+49 3876 612904",
        "email": "oel@prignitzer-oelmuehle.example",
        "website": "https://prignitzer-oelmuehle.example",
        "description_de": (
            "Wir pressen kalt Lein-, Raps-, Leindotter- und Hanföl aus Saaten von Höfen in der Prignitz, "
            "jede Woche frisch und in kleinen Chargen. Der Presskuchen geht als Futter an die Lieferbetriebe "
            "zurück."
        ),
        "description_en": (
            "We cold-press linseed, rapeseed, camelina and hemp oil from seed grown on Prignitz farms, fresh "
            "every week and in small batches. The press cake goes back to the supplying farms as feed."
        ),
        "founding_year": 2008,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "leinhof-elbtal",
        "legal_name": "Elbtal-Lein GbR",
        "display_name": "Leinhof Elbtal",
        "kinds": ["producer"],
        "street": "Garsedower Weg 3",
        "postcode": "19322",
        "town": "Wittenberge",
        "state": "BB",
        "country": "DE",
        "lat": 52.9947,
        "lon": 11.7528,
        "phone": "+49 3877 924613",
        "email": "lein@leinhof-elbtal.example",
        "website": "https://leinhof-elbtal.example",
        "description_de": (
            "Auf 60 Hektar in der Elbtalaue bauen zwei Junglandwirte Braun- und Goldlein an. Die Leinsaat "
            "wird als ganzes Korn verkauft oder in der Prignitzer Ölmühle zu Leinöl gepresst."
        ),
        "description_en": (
            "Two young farmers grow brown and golden flax on 60 hectares in the Elbe valley meadows. The "
            "linseed is sold as whole seed or pressed into linseed oil at the Prignitz oil mill."
        ),
        "founding_year": 2017,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "kartoffelhof-doemnitztal",
        "legal_name": "Kartoffelhof Dömnitztal GbR",
        "display_name": "Kartoffelhof Dömnitztal",
        "kinds": ["producer", "outlet_operator"],
        "street": "Meyenburger Straße 54",
        "postcode": "16928",
        "town": "Pritzwalk",
        "state": "BB",
        "country": "DE",
        "lat": 53.1497,
        "lon": 12.1831,
        "phone": "+49 3395 308457",
        "email": "hofladen@kartoffelhof-doemnitztal.example",
        "website": "https://kartoffelhof-doemnitztal.example",
        "description_de": (
            "Zwölf Kartoffelsorten von Linda bis Blauer Schwede wachsen auf 40 Hektar im Dömnitztal. Dank "
            "eigenem Kühllager gibt es Hofkartoffeln bis in den Mai, dazu Eier und Honig von Nachbarhöfen."
        ),
        "description_en": (
            "Twelve potato varieties, from Linda to Blue Swede, grow on 40 hectares in the Dömnitz valley. "
            "Thanks to our own cold store there are farm potatoes until May, along with eggs and honey from "
            "neighbouring farms."
        ),
        "founding_year": 1992,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "pruefstelle-mark-metropole",
        "legal_name": "Prüfstelle Mark & Metropole GmbH",
        "display_name": "Prüfstelle Mark & Metropole",
        "kinds": ["certification_body"],
        "street": "Friedrich-Ebert-Straße 110",
        "postcode": "14467",
        "town": "Potsdam",
        "state": "BB",
        "country": "DE",
        "lat": 52.3989,
        "lon": 13.0657,
        "phone": "+49 331 27419360",
        "email": "pruefung@mark-metropole.example",
        "website": "https://mark-metropole.example",
        "description_de": (
            "Unabhängige Kontrollstelle für den ökologischen Landbau und regionale Herkunftszeichen in "
            "Berlin und Brandenburg. 14 Prüferinnen und Prüfer kontrollieren jedes Jahr rund 900 Betriebe, "
            "vom Hofladen bis zur Molkerei."
        ),
        "description_en": (
            "Independent inspection body for organic farming and regional origin labels in Berlin and "
            "Brandenburg. Its 14 inspectors check around 900 businesses each year, from farm shops to "
            "dairies."
        ),
        "founding_year": 2001,
        "size_class": "small",
        "control_body_code": "DE-ÖKO-099",
    },
    {
        "key": "oderland-kueche",
        "legal_name": "Oderland Gemeinschaftsverpflegung GmbH",
        "display_name": "Oderland-Küche",
        "kinds": ["retailer"],
        "street": "Am Winterhafen 9",
        "postcode": "15230",
        "town": "Frankfurt (Oder)",
        "state": "BB",
        "country": "DE",
        "lat": 52.3471,
        "lon": 14.5506,
        "phone": "+49 335 6802417",
        "email": "essen@oderland-kueche.example",
        "website": "https://oderland-kueche.example",
        "description_de": (
            "Wir kochen täglich 2.800 Mittagessen für Schulen, Kitas und Betriebe in Frankfurt (Oder) und "
            "Umgebung. 40 Prozent der Zutaten kommen aus Brandenburg, bei Kartoffeln und Äpfeln sind es 100 "
            "Prozent."
        ),
        "description_en": (
            "We cook 2,800 lunches a day for schools, nurseries and workplaces in and around Frankfurt "
            "(Oder). 40 per cent of the ingredients come from Brandenburg, and all of the potatoes and "
            "apples."
        ),
        "founding_year": 2005,
        "size_class": "medium",
        "control_body_code": "",
    },
    {
        "key": "baeckerei-krause",
        "legal_name": "Bäckerei Krause GmbH",
        "display_name": "Bäckerei Krause",
        "kinds": ["processor", "retailer"],
        "street": "Spremberger Straße 27",
        "postcode": "03046",
        "town": "Cottbus",
        "state": "BB",
        "country": "DE",
        "lat": 51.7598,
        "lon": 14.3337,
        "phone": "+49 355 4938216",
        "email": "info@baeckerei-krause.example",
        "website": "https://baeckerei-krause.example",
        "description_de": (
            "Handwerksbäckerei in der Cottbuser Innenstadt, seit 1952 in Familienhand. Gebacken werden "
            "Roggenmischbrote mit eigenem Sauerteig, Mohnkuchen und Quarkkeulchen, das Mehl kommt aus "
            "Brandenburger Mühlen."
        ),
        "description_en": (
            "Craft bakery in Cottbus city centre, family-run since 1952. It bakes rye-wheat breads with its "
            "own sourdough, poppy seed cake and quark fritters, using flour from Brandenburg mills."
        ),
        "founding_year": 1952,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "obstgut-havelblick",
        "legal_name": "Obstgut Havelblick GbR",
        "display_name": "Obstgut Havelblick",
        "kinds": ["producer", "processor", "outlet_operator"],
        "street": "Am Plessower See 18",
        "postcode": "14542",
        "town": "Werder (Havel)",
        "state": "BB",
        "country": "DE",
        "lat": 52.3781,
        "lon": 12.9352,
        "phone": "+49 3327 731864",
        "email": "obst@obstgut-havelblick.example",
        "website": "https://obstgut-havelblick.example",
        "description_de": (
            "Auf 22 Hektar an den Hängen der Glindower Alpen wachsen Süßkirschen, Äpfel, Pflaumen und "
            "Sanddorn. Aus dem Obst keltern wir Säfte und Obstweine nach Werderaner Tradition."
        ),
        "description_en": (
            "Sweet cherries, apples, plums and sea buckthorn grow on 22 hectares on the slopes of the "
            "Glindow Alps. We press the fruit into juices and fruit wines in the Werder tradition."
        ),
        "founding_year": 1997,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "spargelhof-zauche",
        "legal_name": "Spargelhof Zauche GbR",
        "display_name": "Spargelhof Zauche",
        "kinds": ["producer", "outlet_operator"],
        "street": "Trebbiner Straße 45",
        "postcode": "14547",
        "town": "Beelitz",
        "state": "BB",
        "country": "DE",
        "lat": 52.2361,
        "lon": 12.9722,
        "phone": "+49 33204 62947",
        "email": "spargel@spargelhof-zauche.example",
        "website": "https://spargelhof-zauche.example",
        "description_de": (
            "Familie Gericke baut auf 18 Hektar Spargel an, dazu Erdbeeren und Heidelbeeren. Von April bis "
            "Juni hat der Hofstand täglich geöffnet, im Sommer kann man Beeren selbst pflücken."
        ),
        "description_en": (
            "The Gericke family grows asparagus on 18 hectares, along with strawberries and blueberries. "
            "From April to June the farm stand is open daily, and in summer you can pick your own berries."
        ),
        "founding_year": 1991,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "bioladen-kornblume",
        "legal_name": "Bioladen Kornblume GmbH",
        "display_name": "Bioladen Kornblume",
        "kinds": ["retailer"],
        "street": "Florastraße 61",
        "postcode": "13187",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.5693,
        "lon": 13.4017,
        "phone": "+49 30 23125101",
        "email": "laden@bioladen-kornblume.example",
        "website": "https://bioladen-kornblume.example",
        "description_de": (
            "Bioladen mit 180 Quadratmetern im Pankower Florakiez, geführt von Tobias Hellwig und seinem "
            "Team. Obst und Gemüse kommen dreimal pro Woche direkt von Höfen aus dem Oderbruch und der "
            "Uckermark."
        ),
        "description_en": (
            "Organic shop with 180 square metres in Pankow's Florakiez neighbourhood, run by Tobias Hellwig "
            "and his team. Fruit and vegetables arrive three times a week straight from farms in the "
            "Oderbruch and the Uckermark."
        ),
        "founding_year": 1996,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "marktstand-wilke",
        "legal_name": "Frischestand Wilke e.K.",
        "display_name": "Marktstand Wilke",
        "kinds": ["retailer"],
        "street": "Donaustraße 43",
        "postcode": "12043",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.4813,
        "lon": 13.4352,
        "phone": "+49 30 23125102",
        "email": "marion@marktstand-wilke.example",
        "website": "",
        "description_de": (
            "Seit 2003 steht Marion Wilke mit Obst und Gemüse von zwölf Brandenburger Höfen auf dem "
            "Neuköllner Wochenmarkt am Maybachufer. Im Herbst gibt es zusätzlich Pilze und Wild aus dem "
            "Fläming."
        ),
        "description_en": (
            "Since 2003 Marion Wilke has been selling fruit and vegetables from twelve Brandenburg farms at "
            "the weekly market on Maybachufer in Neukölln. In autumn she also offers mushrooms and game from "
            "the Fläming."
        ),
        "founding_year": 2003,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "backstube-am-kanal",
        "legal_name": "Backstube am Kanal GmbH",
        "display_name": "Backstube am Kanal",
        "kinds": ["processor", "retailer"],
        "street": "Gneisenaustraße 58",
        "postcode": "10961",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.4962,
        "lon": 13.4033,
        "phone": "+49 30 23125103",
        "email": "brot@backstube-am-kanal.example",
        "website": "https://backstube-am-kanal.example",
        "description_de": (
            "Jonas Albrecht und sein Team backen in Kreuzberg Sauerteigbrote mit 24 Stunden Teigführung aus "
            "Roggen und Dinkel aus dem Unteren Odertal, vermahlen in der eigenen Steinmühle. Verkauft wird "
            "im Laden in der Gneisenaustraße und an acht Berliner Cafés."
        ),
        "description_en": (
            "Jonas Albrecht and his team bake sourdough breads in Kreuzberg with a 24-hour fermentation, "
            "using rye and spelt from the Lower Oder valley milled in their own stone mill. The bread is "
            "sold in the shop on Gneisenaustraße and to eight Berlin cafés."
        ),
        "founding_year": 2015,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "gaertnerei-lindenhof",
        "legal_name": "Gärtnerei Lindenhof e.K.",
        "display_name": "Gärtnerei Lindenhof",
        "kinds": ["producer", "outlet_operator"],
        "street": "Lindenhofweg 5",
        "postcode": "13597",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.5361,
        "lon": 13.2017,
        "phone": "+49 30 23125104",
        "email": "pflanzen@gaertnerei-lindenhof.example",
        "website": "https://gaertnerei-lindenhof.example",
        "description_de": (
            "Die Stadtgärtnerei zieht auf zwei Hektar in Spandau Salate, Kräuter und Jungpflanzen für Balkon "
            "und Kleingarten. Verkauft wird im Gewächshaus ab Hof und an Restaurants im Bezirk."
        ),
        "description_en": (
            "This urban market garden grows salads, herbs and seedlings for balconies and allotments on two "
            "hectares in Spandau. Produce is sold from the greenhouse at the nursery and to restaurants in "
            "the district."
        ),
        "founding_year": 1962,
        "size_class": "micro",
        "control_body_code": "",
    },
    {
        "key": "kiezkueche-lichtenberg",
        "legal_name": "Kiezküche Lichtenberg gGmbH",
        "display_name": "Kiezküche Lichtenberg",
        "kinds": ["retailer"],
        "street": "Ruschestraße 61",
        "postcode": "10365",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.5153,
        "lon": 13.4862,
        "phone": "+49 30 23125105",
        "email": "kontakt@kiezkueche-lichtenberg.example",
        "website": "https://kiezkueche-lichtenberg.example",
        "description_de": (
            "Die gemeinnützige Kiezküche kocht täglich 3.500 Essen für 28 Schulen und Kitas im Bezirk "
            "Lichtenberg. Geschäftsführerin Heike Schulz setzt auf 60 Prozent Bio-Anteil und kauft "
            "Kartoffeln, Möhren und Äpfel in Brandenburg."
        ),
        "description_en": (
            "This non-profit neighbourhood kitchen cooks 3,500 meals a day for 28 schools and nurseries in "
            "the Lichtenberg district. Managing director Heike Schulz aims for 60 per cent organic food and "
            "buys potatoes, carrots and apples in Brandenburg."
        ),
        "founding_year": 2009,
        "size_class": "medium",
        "control_body_code": "",
    },
    {
        "key": "gasthaus-dahmeufer",
        "legal_name": "Gasthaus Dahmeufer GmbH",
        "display_name": "Gasthaus Dahmeufer",
        "kinds": ["retailer"],
        "street": "Alt-Köpenick 31",
        "postcode": "12555",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.4453,
        "lon": 13.5762,
        "phone": "+49 30 23125106",
        "email": "tisch@gasthaus-dahmeufer.example",
        "website": "https://gasthaus-dahmeufer.example",
        "description_de": (
            "Gasthaus in der Köpenicker Altstadt direkt an der Dahme mit märkischer Küche: Zander, "
            "Wildschwein, Spreewälder Gurken und Plinsen. Fast alle Zutaten stammen aus Betrieben im Umkreis "
            "von 150 Kilometern."
        ),
        "description_en": (
            "Restaurant in Köpenick's old town right on the Dahme, serving Brandenburg cooking: zander, wild "
            "boar, Spreewald gherkins and buckwheat pancakes. Almost all ingredients come from businesses "
            "within 150 kilometres."
        ),
        "founding_year": 2011,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "maerkisch-und-fein",
        "legal_name": "Märkisch & Fein Gastronomie GmbH",
        "display_name": "Restaurant Märkisch & Fein",
        "kinds": ["retailer"],
        "street": "Otto-Suhr-Allee 106",
        "postcode": "10585",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.5171,
        "lon": 13.3046,
        "phone": "+49 30 23125107",
        "email": "reservierung@maerkisch-fein.example",
        "website": "https://maerkisch-fein.example",
        "description_de": (
            "Restaurant nahe dem Rathaus Charlottenburg mit einem saisonalen Menü in sechs Gängen. Gemüse "
            "kommt aus dem Oderbruch, Käse aus der Uckermark, Fisch aus dem Spreewald."
        ),
        "description_en": (
            "Restaurant near Charlottenburg town hall with a seasonal six-course menu. Vegetables come from "
            "the Oderbruch, cheese from the Uckermark and fish from the Spreewald."
        ),
        "founding_year": 2018,
        "size_class": "small",
        "control_body_code": "",
    },
    {
        "key": "fuellgut-unverpackt",
        "legal_name": "Füllgut Unverpackt UG (haftungsbeschränkt)",
        "display_name": "Füllgut Unverpackt",
        "kinds": ["retailer"],
        "street": "Gärtnerstraße 21",
        "postcode": "10245",
        "town": "Berlin",
        "state": "BE",
        "country": "DE",
        "lat": 52.5109,
        "lon": 13.4597,
        "phone": "+49 30 23125108",
        "email": "hallo@fuellgut.example",
        "website": "https://fuellgut.example",
        "description_de": (
            "Unverpackt-Laden nahe dem Boxhagener Platz mit Getreide, Hülsenfrüchten, Nudeln und Ölen zum "
            "Selbstabfüllen. Wo immer möglich kommt die Ware aus Brandenburg, etwa Linsen aus der Uckermark "
            "und Leinöl aus der Prignitz."
        ),
        "description_en": (
            "Zero-waste shop near Boxhagener Platz offering grains, pulses, pasta and oils to fill into your "
            "own containers. Wherever possible the goods come from Brandenburg, such as lentils from the "
            "Uckermark and linseed oil from the Prignitz."
        ),
        "founding_year": 2017,
        "size_class": "micro",
        "control_body_code": "",
    },
]

USERS = [
    {
        "email": "admin@vonhier.example",
        "name": "Friederike Lange",
        "locale": "de",
        "role": "admin",
        "organisation": None,
        "membership": None,
    },
    {
        "email": "pruefer@vonhier.example",
        "name": "Matthias Köhler",
        "locale": "de",
        "role": "certifier",
        "organisation": "pruefstelle-mark-metropole",
        "membership": "staff",
    },
    {
        "email": "erzeuger@vonhier.example",
        "name": "Jana Brandt",
        "locale": "de",
        "role": "producer",
        "organisation": "hof-sonnenwiese",
        "membership": "owner",
    },
    {
        "email": "handel@vonhier.example",
        "name": "Tobias Hellwig",
        "locale": "de",
        "role": "retailer",
        "organisation": "bioladen-kornblume",
        "membership": "owner",
    },
    {
        "email": "katrin.wendt@ziegenhof-wukensee.example",
        "name": "Katrin Wendt",
        "locale": "de",
        "role": "producer",
        "organisation": "ziegenhof-wukensee",
        "membership": "owner",
    },
    {
        "email": "uwe.lehmann@gurkenhof-lehmann.example",
        "name": "Uwe Lehmann",
        "locale": "de",
        "role": "producer",
        "organisation": "gurkenhof-lehmann",
        "membership": "owner",
    },
    {
        "email": "sabine.noack@spreewaldfischerei-noack.example",
        "name": "Sabine Noack",
        "locale": "de",
        "role": "producer",
        "organisation": "spreewaldfischerei-noack",
        "membership": "owner",
    },
    {
        "email": "jonas.albrecht@backstube-am-kanal.example",
        "name": "Jonas Albrecht",
        "locale": "en",
        "role": "producer",
        "organisation": "backstube-am-kanal",
        "membership": "owner",
    },
    {
        "email": "heike.schulz@kiezkueche-lichtenberg.example",
        "name": "Heike Schulz",
        "locale": "de",
        "role": "retailer",
        "organisation": "kiezkueche-lichtenberg",
        "membership": "owner",
    },
]

CERTIFIER_EMAIL = "pruefer@vonhier.example"
# Owner whose organisation starts without a licence, to try accepting the terms and paying.
UNLICENSED_OWNER = "katrin.wendt@ziegenhof-wukensee.example"

# Landkreis (or kreisfreie Stadt) of each demo town; Berlin organisations get the Bezirk nearest to them.
DISTRICTS = {
    "Angermünde": "Uckermark",
    "Prenzlau": "Uckermark",
    "Schwedt/Oder": "Uckermark",
    "Templin": "Uckermark",
    "Eberswalde": "Barnim",
    "Biesenthal": "Barnim",
    "Joachimsthal": "Barnim",
    "Bad Freienwalde (Oder)": "Märkisch-Oderland",
    "Letschin": "Märkisch-Oderland",
    "Müncheberg": "Märkisch-Oderland",
    "Seelow": "Märkisch-Oderland",
    "Wriezen": "Märkisch-Oderland",
    "Burg (Spreewald)": "Spree-Neiße",
    "Lübben (Spreewald)": "Dahme-Spreewald",
    "Lübbenau/Spreewald": "Oberspreewald-Lausitz",
    "Vetschau/Spreewald": "Oberspreewald-Lausitz",
    "Nauen": "Havelland",
    "Rathenow": "Havelland",
    "Ribbeck": "Havelland",
    "Bad Belzig": "Potsdam-Mittelmark",
    "Beelitz": "Potsdam-Mittelmark",
    "Werder (Havel)": "Potsdam-Mittelmark",
    "Wiesenburg/Mark": "Potsdam-Mittelmark",
    "Jüterbog": "Teltow-Fläming",
    "Perleberg": "Prignitz",
    "Pritzwalk": "Prignitz",
    "Wittenberge": "Prignitz",
    "Potsdam": "Potsdam",
    "Cottbus": "Cottbus",
    "Frankfurt (Oder)": "Frankfurt (Oder)",
}
BERLIN_DISTRICTS = {
    "Mitte": (52.530, 13.370),
    "Friedrichshain-Kreuzberg": (52.500, 13.430),
    "Pankow": (52.570, 13.410),
    "Charlottenburg-Wilmersdorf": (52.500, 13.280),
    "Spandau": (52.535, 13.200),
    "Steglitz-Zehlendorf": (52.430, 13.230),
    "Tempelhof-Schöneberg": (52.460, 13.380),
    "Neukölln": (52.440, 13.450),
    "Treptow-Köpenick": (52.440, 13.570),
    "Marzahn-Hellersdorf": (52.540, 13.590),
    "Lichtenberg": (52.530, 13.500),
    "Reinickendorf": (52.600, 13.300),
}
